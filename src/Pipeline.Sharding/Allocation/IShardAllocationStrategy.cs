namespace Pipeline.Sharding.Allocation;

/// <summary>
/// Decides where shards live (Akka's IShardAllocationStrategy), as pure functions of the current allocation so
/// that decisions are deterministic, explainable and unit-testable. The coordinator calls it on its own thread.
/// </summary>
public interface IShardAllocationStrategy
{
    /// <summary>
    /// The region (one of <paramref name="current"/>'s ids, never empty) that gets <paramref name="shardId"/>;
    /// <paramref name="requesterRegionId"/> asked for it (null when the coordinator allocates by itself).
    /// </summary>
    string Allocate(string? requesterRegionId, string shardId, IReadOnlyList<RegionAllocation> current);

    /// <summary>The shards to move now, with the reason; <paramref name="inProgress"/> are already moving.</summary>
    IReadOnlyList<RebalanceCandidate> Rebalance(IReadOnlyList<RegionAllocation> current, IReadOnlySet<string> inProgress);
}
