using Pipeline.Runtime.Supervision;

namespace Pipeline.Runtime.Routing;

/// <summary>
/// A router that creates <see cref="NrOfInstances"/> routees as its own children, supervises them with
/// <see cref="SupervisorStrategy"/>, watches them, and removes those that stop; when the last one is gone the
/// router stops. The default strategy follows Akka.NET (1.4.48 and later): one-for-one with the default decider,
/// so a failing routee is restarted on its own (failures to start, Kill and death pacts stop it), instead of the
/// older "always escalate" that restarted the whole pool.
/// </summary>
public abstract class Pool : RouterConfig
{
    /// <summary>Checks and stores the pool settings.</summary>
    /// <param name="nrOfInstances">How many routees to create (at least 1).</param>
    /// <param name="supervisorStrategy">How the router supervises its routees (null: <see cref="SupervisorStrategy.Default"/>).</param>
    private protected Pool(int nrOfInstances, SupervisorStrategy? supervisorStrategy)
    {
        if (nrOfInstances < 1)
            throw new ArgumentOutOfRangeException(nameof(nrOfInstances), nrOfInstances, "A pool router needs at least 1 routee.");
        NrOfInstances = nrOfInstances;
        SupervisorStrategy = supervisorStrategy ?? SupervisorStrategy.Default;
    }

    /// <summary>How many routees the router creates when it starts (and again after it restarts).</summary>
    public int NrOfInstances { get; }

    /// <summary>How the router supervises its routees.</summary>
    public SupervisorStrategy SupervisorStrategy { get; }

    /// <inheritdoc />
    public override bool StopRouterWhenAllRouteesRemoved => true;

    /// <summary>A copy of this pool that supervises its routees with <paramref name="strategy"/>.</summary>
    public Pool WithSupervisorStrategy(SupervisorStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return WithStrategy(strategy);
    }

    /// <summary>Makes the copy for <see cref="WithSupervisorStrategy"/>.</summary>
    private protected abstract Pool WithStrategy(SupervisorStrategy strategy);

    /// <summary>The props of a router actor whose routees are created from <paramref name="routeeProps"/>.</summary>
    public Actors.Props Props(Actors.Props routeeProps)
    {
        ArgumentNullException.ThrowIfNull(routeeProps);
        return Actors.Props.Create(() => new RouterActor(this, routeeProps)).WithSupervisorStrategy(SupervisorStrategy);
    }
}
