namespace Pipeline.Runtime.Routing;

/// <summary>
/// Picks the routee(s) for one message. A router creates its own instance and calls it from the router actor,
/// one message at a time; implementations keep <see cref="Select"/> free of allocations on the hot path.
/// </summary>
public abstract class RoutingLogic
{
    /// <summary>
    /// Chooses where <paramref name="message"/> goes among <paramref name="routees"/> (which the logic must not
    /// modify); returns <see cref="NoRoutee.Instance"/> when nobody can take it.
    /// </summary>
    public abstract Routee Select(object message, Routee[] routees);
}
