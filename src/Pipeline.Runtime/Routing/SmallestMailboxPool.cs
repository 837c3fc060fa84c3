using Pipeline.Runtime.Supervision;

namespace Pipeline.Runtime.Routing;

/// <summary>A pool router that sends each message to the routee with the fewest queued messages: <c>new SmallestMailboxPool(5).Props(Props.Create(() => new Worker()))</c>.</summary>
public sealed class SmallestMailboxPool : Pool
{
    /// <summary>Creates the pool.</summary>
    /// <param name="nrOfInstances">How many routees to create (at least 1).</param>
    /// <param name="supervisorStrategy">How the router supervises its routees (null: restart the failed one, see <see cref="Pool"/>).</param>
    public SmallestMailboxPool(int nrOfInstances, SupervisorStrategy? supervisorStrategy = null) : base(nrOfInstances, supervisorStrategy) { }

    /// <inheritdoc />
    public override RoutingLogic CreateRoutingLogic() => new SmallestMailboxRoutingLogic();

    private protected override Pool WithStrategy(SupervisorStrategy strategy) => new SmallestMailboxPool(NrOfInstances, strategy);
}
