using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Dispatch;

/// <summary>
/// A user message together with its sender, as it sits in a mailbox. A struct so that a Tell with a
/// preallocated message allocates nothing on the way into the queue.
/// </summary>
public readonly struct Envelope
{
    /// <summary>Creates an envelope.</summary>
    public Envelope(object message, IActorRef? sender)
    {
        Message = message;
        Sender = sender;
    }

    /// <summary>The message itself.</summary>
    public object Message { get; }

    /// <summary>The sender, or null when there was none.</summary>
    public IActorRef? Sender { get; }

    /// <inheritdoc />
    public override string ToString() => $"<{Message.GetType().Name}> from {Sender?.Path.ToString() ?? "NoSender"}";
}
