using Pipeline.Runtime.Supervision;

namespace Pipeline.Runtime.Routing;

/// <summary>A pool router that sends to its routees in turn: <c>new RoundRobinPool(5).Props(Props.Create(() => new Worker()))</c>.</summary>
public sealed class RoundRobinPool : Pool
{
    /// <summary>Creates the pool.</summary>
    /// <param name="nrOfInstances">How many routees to create (at least 1).</param>
    /// <param name="supervisorStrategy">How the router supervises its routees (null: restart the failed one, see <see cref="Pool"/>).</param>
    public RoundRobinPool(int nrOfInstances, SupervisorStrategy? supervisorStrategy = null) : base(nrOfInstances, supervisorStrategy) { }

    /// <inheritdoc />
    public override RoutingLogic CreateRoutingLogic() => new RoundRobinRoutingLogic();

    private protected override Pool WithStrategy(SupervisorStrategy strategy) => new RoundRobinPool(NrOfInstances, strategy);
}
