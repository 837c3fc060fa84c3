namespace Pipeline.Runtime.Routing;

/// <summary>Sends every message to all routees.</summary>
public sealed class BroadcastRoutingLogic : RoutingLogic
{
    private Routee[]? _cachedFor;
    private SeveralRoutees? _cached;

    /// <inheritdoc />
    public override Routee Select(object message, Routee[] routees)
    {
        if (routees.Length == 0) return NoRoutee.Instance;
        if (!ReferenceEquals(routees, _cachedFor))
        {
            _cached = new SeveralRoutees(routees);
            _cachedFor = routees;
        }
        return _cached!;
    }
}
