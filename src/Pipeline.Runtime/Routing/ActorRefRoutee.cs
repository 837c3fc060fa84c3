using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Routing;

/// <summary>A routee reached through a direct actor reference (pool children, refs added with <see cref="AddRoutee"/>); the router watches it.</summary>
public sealed class ActorRefRoutee : Routee, IEquatable<ActorRefRoutee>
{
    /// <summary>Wraps an actor reference.</summary>
    public ActorRefRoutee(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        Actor = actor;
    }

    /// <summary>The routee's reference.</summary>
    public IActorRef Actor { get; }

    /// <inheritdoc />
    public override void Send(object message, IActorRef? sender) => Actor.Tell(message, sender);

    /// <inheritdoc />
    public bool Equals(ActorRefRoutee? other) => other is not null && Actor.Equals(other.Actor);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ActorRefRoutee other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Actor.GetHashCode();

    /// <summary>The routee's path; consistent hashing places the routee on its ring by this text.</summary>
    public override string ToString() => Actor.Path.ToString();
}
