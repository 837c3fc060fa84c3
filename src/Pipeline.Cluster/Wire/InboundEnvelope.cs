namespace Pipeline.Cluster.Wire;

/// <summary>
/// A decoded user message, valid only during the inbound callback: <see cref="Payload"/> points into the
/// connection's receive buffer, so deserialize (or copy) it before returning.
/// </summary>
public readonly ref struct InboundEnvelope
{
    /// <summary>Creates a decoded envelope.</summary>
    public InboundEnvelope(string targetPath, string? senderPath, int serializerId, string manifest, ReadOnlySpan<byte> payload)
    {
        TargetPath = targetPath;
        SenderPath = senderPath;
        SerializerId = serializerId;
        Manifest = manifest;
        Payload = payload;
    }

    internal InboundEnvelope(string targetPath, string? senderPath, int serializerId, string manifest, ReadOnlySpan<byte> payload,
        InboundStringTable strings, uint targetIndex, uint senderIndex)
        : this(targetPath, senderPath, serializerId, manifest, payload)
    {
        Strings = strings;
        TargetIndex = targetIndex;
        SenderIndex = senderIndex;
    }

    /// <summary>The same envelope with another payload (the messages of an envelope run share everything else).</summary>
    internal InboundEnvelope WithPayload(ReadOnlySpan<byte> payload) =>
        new(TargetPath, SenderPath, SerializerId, Manifest, payload, Strings!, TargetIndex, SenderIndex);

    /// <summary>The connection's string table the paths came from (null for an envelope built elsewhere).</summary>
    internal InboundStringTable? Strings { get; }

    /// <summary>String-table index of <see cref="TargetPath"/> on this connection, or 0 when it travelled literally.</summary>
    internal uint TargetIndex { get; }

    /// <summary>String-table index of <see cref="SenderPath"/> on this connection, or 0 when it travelled literally.</summary>
    internal uint SenderIndex { get; }

    /// <summary>What the receiving side cached for this target path on this connection (see <see cref="CacheTarget"/>).</summary>
    internal object? CachedTarget => Strings?.GetResolved(TargetIndex, 0);

    /// <summary>What the receiving side cached for this sender path on this connection.</summary>
    internal object? CachedSender => SenderIndex == 0 ? null : Strings?.GetResolved(SenderIndex, 1);

    /// <summary>Remembers what <see cref="TargetPath"/> resolved to, for the next envelope to the same indexed path on this connection.</summary>
    internal void CacheTarget(object? value) => Strings?.SetResolved(TargetIndex, 0, value);

    /// <summary>Remembers what <see cref="SenderPath"/> resolved to, for the next envelope from the same indexed path on this connection.</summary>
    internal void CacheSender(object? value) => Strings?.SetResolved(SenderIndex, 1, value);

    /// <summary>Path of the local actor the message is for.</summary>
    public string TargetPath { get; }

    /// <summary>Path of the remote sender, or null.</summary>
    public string? SenderPath { get; }

    /// <summary>Serializer registry id of the payload.</summary>
    public int SerializerId { get; }

    /// <summary>Type manifest for the serializer.</summary>
    public string Manifest { get; }

    /// <summary>Serialized message bytes, borrowed from the receive buffer.</summary>
    public ReadOnlySpan<byte> Payload { get; }
}
