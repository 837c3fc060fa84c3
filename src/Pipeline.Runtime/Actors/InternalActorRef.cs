using Pipeline.Runtime.Dispatch;

namespace Pipeline.Runtime.Actors;

/// <summary>
/// The kernel's side of an actor reference: system messages, stopping, and the parent link. Remote and
/// special references (dead letters, ask promises, remote actors) derive from it as well.
/// </summary>
public abstract class InternalActorRef : IActorRef
{
    /// <inheritdoc />
    public abstract ActorPath Path { get; }

    /// <summary>The parent reference (the root guardian is its own parent).</summary>
    public abstract InternalActorRef Parent { get; }

    /// <summary>Whether the actor is known to be terminated (false when unknown, e.g. remote).</summary>
    public abstract bool IsTerminated { get; }

    /// <summary>Whether the actor lives in this process.</summary>
    public virtual bool IsLocal => true;

    /// <inheritdoc />
    public abstract void Tell(object message, IActorRef? sender = null);

    internal abstract void SendSystemMessage(SystemMessage message);

    /// <summary>Tells, waiting for room where the target applies backpressure (see <see cref="ActorRefExtensions.TellAsync"/>).</summary>
    public virtual ValueTask TellAsync(object message, IActorRef? sender, CancellationToken cancellationToken)
    {
        Tell(message, sender);
        return ValueTask.CompletedTask;
    }

    /// <summary>The actor system this reference belongs to, when known (asks need it).</summary>
    internal virtual ActorSystem? OwnerSystem => null;

    /// <summary>Stops the actor (asynchronously, after its current message).</summary>
    public abstract void Stop();

    /// <summary>A child reference by name, or null.</summary>
    public virtual InternalActorRef? GetChild(string name) => null;

    /// <inheritdoc />
    public bool Equals(IActorRef? other) => other is not null && Path.Uid == other.Path.Uid && Path.Equals(other.Path);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IActorRef r && Equals(r);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Path.Uid, Path.Name);

    /// <inheritdoc />
    public int CompareTo(IActorRef? other)
    {
        if (other is null) return 1;
        var c = Path.CompareTo(other.Path);
        return c != 0 ? c : Path.Uid.CompareTo(other.Path.Uid);
    }

    /// <inheritdoc />
    public override string ToString() => Path.Uid == 0 ? $"[{Path}]" : $"[{Path}#{Path.Uid}]";
}
