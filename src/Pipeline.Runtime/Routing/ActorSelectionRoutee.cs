using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Routing;

/// <summary>
/// A routee reached by path (group members): every message is delivered through an <see cref="ActorSelection"/>,
/// so a member that is stopped and created again at the same path keeps receiving. The router does not own it.
/// </summary>
public sealed class ActorSelectionRoutee : Routee, IEquatable<ActorSelectionRoutee>
{
    /// <summary>Wraps a selection.</summary>
    public ActorSelectionRoutee(ActorSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        Selection = selection;
    }

    /// <summary>The selection messages are sent through.</summary>
    public ActorSelection Selection { get; }

    /// <inheritdoc />
    public override void Send(object message, IActorRef? sender) => Selection.Tell(message, sender);

    /// <inheritdoc />
    public bool Equals(ActorSelectionRoutee? other) => other is not null && Selection.PathString == other.Selection.PathString;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ActorSelectionRoutee other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Selection.PathString);

    /// <summary>The selection's path; consistent hashing places the routee on its ring by this text.</summary>
    public override string ToString() => Selection.PathString;
}
