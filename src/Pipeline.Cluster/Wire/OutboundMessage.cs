namespace Pipeline.Cluster.Wire;

/// <summary>
/// A user message waiting in a peer's outbound queue. The payload is already serialized; the caller must not
/// change its bytes after handing it to the transport (it is copied into the socket buffer when written).
/// </summary>
/// <param name="TargetPath">Path of the receiving actor on the remote node.</param>
/// <param name="SenderPath">Path of the sending actor, or null for no sender.</param>
/// <param name="SerializerId">Serializer registry id that can read <paramref name="Payload"/>.</param>
/// <param name="Manifest">Type manifest for the serializer (may be empty).</param>
/// <param name="Payload">Serialized message bytes.</param>
public readonly record struct OutboundMessage(
    string TargetPath,
    string? SenderPath,
    int SerializerId,
    string Manifest,
    ReadOnlyMemory<byte> Payload);
