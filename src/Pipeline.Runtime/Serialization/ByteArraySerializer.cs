using System.Buffers;

namespace Pipeline.Runtime.Serialization;

/// <summary>
/// Built-in serializer id 1: <c>byte[]</c> and <see cref="ReadOnlyMemory{T}"/> of bytes are written as they are.
/// The manifest tells the two apart (empty for <c>byte[]</c>, <see cref="ReadOnlyMemoryManifest"/> for memory), so
/// a message comes back with the type it was sent as.
/// </summary>
public sealed class ByteArraySerializer : Serializer
{
    /// <summary>The fixed identifier of this serializer.</summary>
    public const int Id = 1;

    /// <summary>The manifest of a payload that was a <see cref="ReadOnlyMemory{T}"/> of bytes.</summary>
    public const string ReadOnlyMemoryManifest = "M";

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override bool IncludeManifest => true;

    /// <inheritdoc />
    public override string Manifest(object obj) => obj switch
    {
        byte[] => string.Empty,
        ReadOnlyMemory<byte> => ReadOnlyMemoryManifest,
        _ => throw Unsupported(obj),
    };

    /// <inheritdoc />
    public override void ToBinary(object obj, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        switch (obj)
        {
            case byte[] array: output.Write(array); break;
            case ReadOnlyMemory<byte> memory: output.Write(memory.Span); break;
            default: throw Unsupported(obj);
        }
    }

    /// <inheritdoc />
    public override object FromBinary(ReadOnlySpan<byte> bytes, string manifest) => manifest switch
    {
        // object-typed arms: otherwise the switch's natural type would turn a byte[] into a ReadOnlyMemory<byte>
        "" => (object)bytes.ToArray(),
        ReadOnlyMemoryManifest => (object)new ReadOnlyMemory<byte>(bytes.ToArray()),
        _ => throw UnknownManifest(manifest),
    };

    /// <inheritdoc />
    public override object FromBinary(in ReadOnlySequence<byte> bytes, string manifest) => manifest switch
    {
        "" => (object)bytes.ToArray(),
        ReadOnlyMemoryManifest => (object)new ReadOnlyMemory<byte>(bytes.ToArray()),
        _ => throw UnknownManifest(manifest),
    };

    private static SerializationException UnknownManifest(string manifest) =>
        new($"Serializer {Id} (bytes) does not know manifest '{manifest}'; expected '' (byte[]) or '{ReadOnlyMemoryManifest}' (ReadOnlyMemory<byte>).");

    private static SerializationException Unsupported(object? obj) =>
        new($"Serializer {Id} (bytes) only handles byte[] and ReadOnlyMemory<byte>, not {obj?.GetType().FullName ?? "null"}.");
}
