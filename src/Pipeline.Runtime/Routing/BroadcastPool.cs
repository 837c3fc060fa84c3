using Pipeline.Runtime.Supervision;

namespace Pipeline.Runtime.Routing;

/// <summary>A pool router that sends every message to all routees: <c>new BroadcastPool(5).Props(Props.Create(() => new Worker()))</c>.</summary>
public sealed class BroadcastPool : Pool
{
    /// <summary>Creates the pool.</summary>
    /// <param name="nrOfInstances">How many routees to create (at least 1).</param>
    /// <param name="supervisorStrategy">How the router supervises its routees (null: restart the failed one, see <see cref="Pool"/>).</param>
    public BroadcastPool(int nrOfInstances, SupervisorStrategy? supervisorStrategy = null) : base(nrOfInstances, supervisorStrategy) { }

    /// <inheritdoc />
    public override RoutingLogic CreateRoutingLogic() => new BroadcastRoutingLogic();

    private protected override Pool WithStrategy(SupervisorStrategy strategy) => new BroadcastPool(NrOfInstances, strategy);
}
