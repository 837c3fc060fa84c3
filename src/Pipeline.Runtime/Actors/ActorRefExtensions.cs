namespace Pipeline.Runtime.Actors;

/// <summary>Sending with flow control: the async counterpart of Tell for bounded, backpressured mailboxes.</summary>
public static class ActorRefExtensions
{
    /// <summary>
    /// Sends a message; when the target has a bounded mailbox with <see cref="Dispatch.OverflowStrategy.Backpressure"/>
    /// and it is full, waits until there is room instead of failing. For other targets it is a plain Tell.
    /// </summary>
    public static ValueTask TellAsync(this IActorRef target, object message, IActorRef? sender = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target is InternalActorRef r) return r.TellAsync(message, sender, cancellationToken);
        target.Tell(message, sender);
        return ValueTask.CompletedTask;
    }
}
