namespace Pipeline.Runtime.Actors;

/// <summary>Anything a message can be sent to: actor references and actor selections.</summary>
public interface ICanTell
{
    /// <summary>
    /// Sends a message without waiting. The sender is explicit: inside an actor pass <c>Self</c> (or use
    /// <c>ActorBase.Send</c>/<c>Reply</c>) so that the receiver can answer; null means no sender, and
    /// answers go to dead letters.
    /// </summary>
    void Tell(object message, IActorRef? sender = null);
}

/// <summary>
/// A handle to an actor, local or remote: the only way to talk to it. Immutable, thread-safe and cheap to
/// pass around in messages. Two refs are equal when they point to the same actor incarnation.
/// </summary>
public interface IActorRef : ICanTell, IEquatable<IActorRef>, IComparable<IActorRef>
{
    /// <summary>The actor's path (with its uid).</summary>
    ActorPath Path { get; }
}
