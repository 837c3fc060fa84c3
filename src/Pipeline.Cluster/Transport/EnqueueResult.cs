namespace Pipeline.Cluster.Transport;

/// <summary>What happened to a message handed to a peer's outbound queue.</summary>
public enum EnqueueResult
{
    /// <summary>Queued for sending.</summary>
    Enqueued,

    /// <summary>The queue was full and the policy is <see cref="OverflowPolicy.DropNewest"/>: this message was discarded.</summary>
    DroppedNewest,

    /// <summary>The queue was full and the policy is <see cref="OverflowPolicy.DropOldest"/>: this one was queued, the oldest discarded.</summary>
    DroppedOldest,
}
