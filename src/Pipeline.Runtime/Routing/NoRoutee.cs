using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Routing;

/// <summary>
/// The decision "nobody": no routees, or no hash key for a consistent-hashing router. The router turns it into a
/// dead letter with the reason, so the message is never lost silently.
/// </summary>
public sealed class NoRoutee : Routee
{
    private NoRoutee() { }

    /// <summary>The single instance.</summary>
    public static NoRoutee Instance { get; } = new();

    /// <summary>Does nothing: the router dead-letters messages routed here before calling it.</summary>
    public override void Send(object message, IActorRef? sender) { }
}
