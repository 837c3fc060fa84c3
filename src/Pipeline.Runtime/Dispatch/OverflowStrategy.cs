namespace Pipeline.Runtime.Dispatch;

/// <summary>
/// What a bounded mailbox does when a message arrives and it is full. There is no silent variant:
/// every dropped message goes to dead letters and is counted.
/// </summary>
public enum OverflowStrategy
{
    /// <summary>The arriving message is dropped (sent to dead letters).</summary>
    DropNewest,
    /// <summary>The oldest queued message is dropped (sent to dead letters) to make room.</summary>
    DropOldest,
    /// <summary>The sender's Tell throws <see cref="MailboxOverflowException"/>.</summary>
    Fail,
    /// <summary>
    /// Senders wait for room through <c>TellAsync</c>; a plain Tell to a full mailbox throws
    /// <see cref="MailboxOverflowException"/> telling the caller to use TellAsync.
    /// </summary>
    Backpressure,
}
