using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Routing;

/// <summary>
/// One destination of a router: the routing logic picks routees and the router hands them the message. It
/// exists so that a router can mix direct references (pool children) and path-based targets (group members).
/// </summary>
public abstract class Routee
{
    /// <summary>Delivers <paramref name="message"/> keeping <paramref name="sender"/> as its sender.</summary>
    public abstract void Send(object message, IActorRef? sender);
}
