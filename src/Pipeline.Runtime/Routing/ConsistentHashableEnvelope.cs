namespace Pipeline.Runtime.Routing;

/// <summary>
/// Wraps a message with a consistent-hashing key when the message type cannot carry one itself. The router picks
/// the routee by <see cref="HashKey"/> and delivers <see cref="Message"/> alone.
/// </summary>
/// <param name="Message">The payload the routee receives.</param>
/// <param name="HashKey">The key that picks the routee.</param>
public sealed record ConsistentHashableEnvelope(object Message, object HashKey) : IConsistentHashable
{
    /// <inheritdoc />
    public object ConsistentHashKey => HashKey;
}
