namespace Pipeline.Runtime.Routing;

/// <summary>
/// What a router is: its routing logic and where its routees come from (<see cref="Pool"/>: created as its
/// children; <see cref="Group"/>: existing actors named by path). Immutable, so one config can make many routers.
/// </summary>
public abstract class RouterConfig
{
    private protected RouterConfig() { }

    /// <summary>Creates the routing logic of one router (each router gets its own instance and state).</summary>
    public abstract RoutingLogic CreateRoutingLogic();

    /// <summary>Whether the router stops itself when its last routee is gone (pools: yes; groups: no).</summary>
    public abstract bool StopRouterWhenAllRouteesRemoved { get; }
}
