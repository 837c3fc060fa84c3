using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Routing;

/// <summary>A routing decision that names several routees at once (broadcast): each gets the message.</summary>
public sealed class SeveralRoutees : Routee
{
    private readonly Routee[] _routees;

    /// <summary>Wraps the routees; the array is used as is, not copied, and must not change afterwards.</summary>
    public SeveralRoutees(Routee[] routees)
    {
        ArgumentNullException.ThrowIfNull(routees);
        _routees = routees;
    }

    /// <summary>The routees that receive the message.</summary>
    public IReadOnlyList<Routee> Members => _routees;

    /// <inheritdoc />
    public override void Send(object message, IActorRef? sender)
    {
        foreach (var routee in _routees) routee.Send(message, sender);
    }
}
