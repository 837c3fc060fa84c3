namespace Pipeline.Runtime.Actors;

/// <summary>Marks messages the kernel handles itself, before the actor's own receive logic.</summary>
public interface IAutoReceivedMessage;

/// <summary>Marks messages that do not reset an actor's receive timeout.</summary>
public interface INotInfluenceReceiveTimeout;

/// <summary>Marks messages that the serialize-everything test mode must not serialize (local-only by nature).</summary>
public interface INoSerializationVerificationNeeded;

/// <summary>Stops the receiving actor once it reaches this message: everything sent before it is processed first.</summary>
public sealed class PoisonPill : IAutoReceivedMessage, INoSerializationVerificationNeeded
{
    private PoisonPill() { }

    /// <summary>The single instance.</summary>
    public static PoisonPill Instance { get; } = new();
}

/// <summary>Makes the receiving actor fail with <see cref="ActorKilledException"/>, so its supervisor decides.</summary>
public sealed class Kill : IAutoReceivedMessage, INoSerializationVerificationNeeded
{
    private Kill() { }

    /// <summary>The single instance.</summary>
    public static Kill Instance { get; } = new();
}

/// <summary>Asks any actor for its reference; it answers <see cref="ActorIdentity"/> automatically.</summary>
public sealed record Identify(object? MessageId) : IAutoReceivedMessage;

/// <summary>The answer to <see cref="Identify"/>; <see cref="Subject"/> is null when nothing lives there.</summary>
public sealed record ActorIdentity(object? MessageId, IActorRef? Subject);

/// <summary>
/// Delivered (once) to an actor that watches another when the watched actor stops, crashes for good or its
/// node is lost. An actor that does not handle it fails with <see cref="DeathPactException"/>.
/// </summary>
public sealed record Terminated(IActorRef ActorRef, bool ExistenceConfirmed, bool AddressTerminated)
    : IAutoReceivedMessage, INoSerializationVerificationNeeded;

/// <summary>Sent to an actor when it has received no message for its receive timeout.</summary>
public sealed class ReceiveTimeout : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded
{
    private ReceiveTimeout() { }

    /// <summary>The single instance.</summary>
    public static ReceiveTimeout Instance { get; } = new();
}

/// <summary>Replies that carry a success or a failure; an Ask that receives a failure throws its exception.</summary>
public static class Status
{
    /// <summary>A successful outcome with an optional value.</summary>
    public sealed record Success(object? Value);

    /// <summary>A failed outcome: <c>Ask</c> rethrows <see cref="Cause"/>.</summary>
    public sealed record Failure(Exception Cause) : INoSerializationVerificationNeeded;
}

/// <summary>A message an actor did not handle, published on the event stream.</summary>
public sealed record UnhandledMessage(object Message, IActorRef? Sender, IActorRef Recipient) : INoSerializationVerificationNeeded;

/// <summary>A message that could not be delivered, published on the event stream and logged.</summary>
public sealed record DeadLetter(object Message, IActorRef? Sender, IActorRef Recipient, string Reason) : INoSerializationVerificationNeeded;
