namespace Pipeline.Sharding.Allocation;

/// <summary>
/// Akka's classic least-shards strategy. Allocation: the region with the fewest shards (ties: the requester, then
/// the smallest id). Rebalance: when the region with the most shards (not counting shards already moving) has at
/// least <see cref="RebalanceThreshold"/> more than the region with the fewest, it gives up
/// min(difference - threshold, threshold, <see cref="MaxSimultaneousRebalance"/> - moving) shards, smallest ids first.
/// </summary>
public sealed class LeastShardAllocationStrategy : IShardAllocationStrategy
{
    /// <summary>Creates the strategy.</summary>
    /// <param name="rebalanceThreshold">Difference in shard count that triggers a rebalance (at least 1).</param>
    /// <param name="maxSimultaneousRebalance">Most shards moving at once (at least 1).</param>
    public LeastShardAllocationStrategy(int rebalanceThreshold = 1, int maxSimultaneousRebalance = 3)
    {
        if (rebalanceThreshold < 1) throw new ArgumentOutOfRangeException(nameof(rebalanceThreshold), rebalanceThreshold, "rebalanceThreshold must be at least 1.");
        if (maxSimultaneousRebalance < 1) throw new ArgumentOutOfRangeException(nameof(maxSimultaneousRebalance), maxSimultaneousRebalance, "maxSimultaneousRebalance must be at least 1.");
        RebalanceThreshold = rebalanceThreshold;
        MaxSimultaneousRebalance = maxSimultaneousRebalance;
    }

    /// <summary>Difference in shard count that triggers a rebalance.</summary>
    public int RebalanceThreshold { get; }

    /// <summary>Most shards moving at once.</summary>
    public int MaxSimultaneousRebalance { get; }

    /// <inheritdoc />
    public string Allocate(string? requesterRegionId, string shardId, IReadOnlyList<RegionAllocation> current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.Count == 0) throw new InvalidOperationException($"Cannot allocate shard '{shardId}': no region is registered.");
        var min = current.Min(r => r.Shards.Count);
        var fewest = current.Where(r => r.Shards.Count == min).ToList();
        if (requesterRegionId is not null && fewest.Any(r => r.RegionId == requesterRegionId)) return requesterRegionId;
        return fewest.Select(r => r.RegionId).Min(StringComparer.Ordinal)!;
    }

    /// <inheritdoc />
    public IReadOnlyList<RebalanceCandidate> Rebalance(IReadOnlyList<RegionAllocation> current, IReadOnlySet<string> inProgress)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(inProgress);
        if (current.Count < 2 || inProgress.Count >= MaxSimultaneousRebalance) return [];
        var ordered = current.OrderBy(r => r.RegionId, StringComparer.Ordinal).ToList();
        var least = ordered.MinBy(r => r.Shards.Count)!;
        var most = ordered
            .Select(r => (Region: r, Movable: r.Shards.Where(s => !inProgress.Contains(s)).Order(StringComparer.Ordinal).ToList()))
            .MaxBy(x => x.Movable.Count);
        var difference = most.Movable.Count - least.Shards.Count;
        if (difference < RebalanceThreshold) return [];
        var n = Math.Min(Math.Min(difference - RebalanceThreshold, RebalanceThreshold), MaxSimultaneousRebalance - inProgress.Count);
        var reason = $"least-shards: region {most.Region.RegionId} has {most.Movable.Count} movable shards and region {least.RegionId} has {least.Shards.Count}; difference {difference} >= rebalance threshold {RebalanceThreshold}";
        return most.Movable.Take(Math.Max(0, n)).Select(s => new RebalanceCandidate(s, reason)).ToList();
    }
}
