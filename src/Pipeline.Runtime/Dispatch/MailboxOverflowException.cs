namespace Pipeline.Runtime.Dispatch;

/// <summary>
/// Thrown to a sender when a bounded mailbox with <see cref="OverflowStrategy.Fail"/> (or a plain Tell to a
/// <see cref="OverflowStrategy.Backpressure"/> mailbox) is full, so that overload is visible where it starts.
/// </summary>
public sealed class MailboxOverflowException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MailboxOverflowException(string message) : base(message) { }
}
