namespace Pipeline.Cluster.Transport;

/// <summary>What a full outbound queue does with one more message (no unbounded buffer behind a slow peer).</summary>
public enum OverflowPolicy
{
    /// <summary>Discard the message being sent; the queue keeps the older ones.</summary>
    DropNewest,

    /// <summary>Discard the oldest queued message to make room for the new one.</summary>
    DropOldest,

    /// <summary>Refuse the send with <see cref="OutboundQueueFullException"/>.</summary>
    Fail,
}
