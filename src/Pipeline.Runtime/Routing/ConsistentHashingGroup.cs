namespace Pipeline.Runtime.Routing;

/// <summary>
/// A group router that sends messages with the same key to the same member (see
/// <see cref="ConsistentHashingRoutingLogic"/>); members are placed on the ring by their paths.
/// </summary>
public sealed class ConsistentHashingGroup : Group
{
    /// <summary>Creates the group over absolute actor paths.</summary>
    /// <param name="paths">The member paths.</param>
    /// <param name="hashMapping">Optional key extraction for messages that are not <see cref="IConsistentHashable"/>.</param>
    /// <param name="virtualNodesFactor">Ring points per member (at least 1).</param>
    public ConsistentHashingGroup(IEnumerable<string> paths, ConsistentHashMapping? hashMapping = null,
        int virtualNodesFactor = ConsistentHashingRoutingLogic.DefaultVirtualNodesFactor)
        : base(paths)
    {
        if (virtualNodesFactor < 1)
            throw new ArgumentOutOfRangeException(nameof(virtualNodesFactor), virtualNodesFactor, "The virtual nodes factor must be at least 1.");
        HashMapping = hashMapping;
        VirtualNodesFactor = virtualNodesFactor;
    }

    /// <summary>The key extraction, if any.</summary>
    public ConsistentHashMapping? HashMapping { get; }

    /// <summary>Ring points per member.</summary>
    public int VirtualNodesFactor { get; }

    /// <inheritdoc />
    public override RoutingLogic CreateRoutingLogic() => new ConsistentHashingRoutingLogic(VirtualNodesFactor, HashMapping);
}
