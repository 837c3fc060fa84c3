namespace Pipeline.Runtime.Serialization;

/// <summary>
/// A serialized message: serializer id, manifest and bytes. The bytes are a plain array owned by the payload
/// (never a pooled buffer), so it may be kept, queued or stored without a lifetime to manage; hot paths that
/// write into their own buffer use <see cref="SerializationRegistry.Serialize(object, System.Buffers.IBufferWriter{byte})"/>
/// and pay no copy.
/// </summary>
public readonly struct SerializedPayload
{
    /// <summary>Wraps the parts of a serialized message.</summary>
    public SerializedPayload(int serializerId, string manifest, ReadOnlyMemory<byte> bytes)
    {
        SerializerId = serializerId;
        Manifest = manifest ?? throw new ArgumentNullException(nameof(manifest));
        Bytes = bytes;
    }

    /// <summary>The id of the serializer that wrote <see cref="Bytes"/>.</summary>
    public int SerializerId { get; }

    /// <summary>What the serializer needs to rebuild the message (usually a type name; may be empty).</summary>
    public string Manifest { get; }

    /// <summary>The serialized message.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The id and manifest without the bytes.</summary>
    public PayloadHeader Header => new(SerializerId, Manifest);

    /// <inheritdoc />
    public override string ToString() => $"SerializedPayload(serializer {SerializerId}, manifest '{Manifest}', {Bytes.Length} bytes)";
}
