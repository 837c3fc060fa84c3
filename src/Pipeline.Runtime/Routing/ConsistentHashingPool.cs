using Pipeline.Runtime.Supervision;

namespace Pipeline.Runtime.Routing;

/// <summary>
/// A pool router that sends messages with the same key to the same routee (see
/// <see cref="ConsistentHashingRoutingLogic"/>): <c>new ConsistentHashingPool(4, m => ((Reading)m).SensorId).Props(...)</c>.
/// </summary>
public sealed class ConsistentHashingPool : Pool
{
    /// <summary>Creates the pool.</summary>
    /// <param name="nrOfInstances">How many routees to create (at least 1).</param>
    /// <param name="hashMapping">Optional key extraction for messages that are not <see cref="IConsistentHashable"/>.</param>
    /// <param name="virtualNodesFactor">Ring points per routee (at least 1).</param>
    /// <param name="supervisorStrategy">How the router supervises its routees (null: restart the failed one, see <see cref="Pool"/>).</param>
    public ConsistentHashingPool(int nrOfInstances, ConsistentHashMapping? hashMapping = null,
        int virtualNodesFactor = ConsistentHashingRoutingLogic.DefaultVirtualNodesFactor, SupervisorStrategy? supervisorStrategy = null)
        : base(nrOfInstances, supervisorStrategy)
    {
        if (virtualNodesFactor < 1)
            throw new ArgumentOutOfRangeException(nameof(virtualNodesFactor), virtualNodesFactor, "The virtual nodes factor must be at least 1.");
        HashMapping = hashMapping;
        VirtualNodesFactor = virtualNodesFactor;
    }

    /// <summary>The key extraction, if any.</summary>
    public ConsistentHashMapping? HashMapping { get; }

    /// <summary>Ring points per routee.</summary>
    public int VirtualNodesFactor { get; }

    /// <summary>A copy with another key extraction.</summary>
    public ConsistentHashingPool WithHashMapping(ConsistentHashMapping hashMapping)
        => new(NrOfInstances, hashMapping, VirtualNodesFactor, SupervisorStrategy);

    /// <inheritdoc />
    public override RoutingLogic CreateRoutingLogic() => new ConsistentHashingRoutingLogic(VirtualNodesFactor, HashMapping);

    private protected override Pool WithStrategy(SupervisorStrategy strategy)
        => new ConsistentHashingPool(NrOfInstances, HashMapping, VirtualNodesFactor, strategy);
}
