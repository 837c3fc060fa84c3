namespace Pipeline.Cluster.Wire;

/// <summary>
/// A user message waiting in a peer's outbound queue. Either its payload is already serialized (the caller must
/// not change those bytes after handing them to the transport: they are copied into the socket buffer when
/// written), or it carries the message object and an <see cref="IOutboundSerializer"/> that serializes it on the
/// connection's writer straight into the frame (the message must not be mutated after it was sent, as with any
/// actor message).
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
    ReadOnlyMemory<byte> Payload)
{
    /// <summary>A message that <paramref name="serializer"/> serializes on the writer, straight into the frame.</summary>
    public OutboundMessage(string targetPath, string? senderPath, object message, IOutboundSerializer serializer)
        : this(targetPath, senderPath, 0, string.Empty, ReadOnlyMemory<byte>.Empty)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(serializer);
        Message = message;
        Serializer = serializer;
    }

    /// <summary>The message object to serialize on the writer, or null when <see cref="Payload"/> holds the bytes.</summary>
    public object? Message { get; }

    /// <summary>Serializes <see cref="Message"/> on the writer, or null when <see cref="Payload"/> holds the bytes.</summary>
    public IOutboundSerializer? Serializer { get; }

    /// <summary>
    /// True when <see cref="SenderPath"/> names a one-shot temporary actor (an ask's reply target): it travels
    /// literally and is never added to the connection's string table, which stays free for paths that repeat.
    /// </summary>
    public bool SenderIsTemporary { get; init; }

    /// <summary>
    /// True when <see cref="TargetPath"/> names a one-shot temporary actor (the answer to an ask): it travels
    /// literally and is never added to the connection's string table.
    /// </summary>
    public bool TargetIsTemporary { get; init; }
}
