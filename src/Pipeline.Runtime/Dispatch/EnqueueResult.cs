namespace Pipeline.Runtime.Dispatch;

/// <summary>The outcome of offering a message to a mailbox queue.</summary>
internal enum EnqueueResult
{
    Enqueued,
    /// <summary>The offered message was not queued (drop-newest).</summary>
    DroppedNewest,
    /// <summary>The offered message was queued and the oldest one was evicted (returned separately).</summary>
    EnqueuedDroppedOldest,
    /// <summary>The queue is full and the policy is to fail or to make the sender wait.</summary>
    Full,
}
