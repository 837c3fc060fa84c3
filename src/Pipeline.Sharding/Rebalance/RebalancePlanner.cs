using Pipeline.Sharding.Allocation;

namespace Pipeline.Sharding.Rebalance;

/// <summary>
/// Turns a strategy's rebalance candidates into a plan with targets, by simulating the moves one after the other
/// on a copy of the allocation (a shard leaves its region, then goes where the candidate or
/// <see cref="IShardAllocationStrategy.Allocate"/> says). A dry run and the real rebalance use the same plan, so
/// what an operator approves is what happens. Pure and deterministic.
/// </summary>
public static class RebalancePlanner
{
    /// <summary>Plans a rebalance of <paramref name="current"/>; <paramref name="inProgress"/> shards are moving already.</summary>
    public static IReadOnlyList<PlannedShardMove> Plan(IShardAllocationStrategy strategy, IReadOnlyList<RegionAllocation> current, IReadOnlySet<string> inProgress)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(current);
        var candidates = strategy.Rebalance(current, inProgress);
        if (candidates.Count == 0) return [];
        var sim = current.ToDictionary(r => r.RegionId, r => (Shards: r.Shards.ToList(), r.Load), StringComparer.Ordinal);
        var moves = new List<PlannedShardMove>();
        foreach (var c in candidates)
        {
            var from = sim.FirstOrDefault(kv => kv.Value.Shards.Contains(c.ShardId)).Key;
            if (from is null || moves.Any(m => m.ShardId == c.ShardId)) continue;
            sim[from].Shards.Remove(c.ShardId);
            var view = sim.Select(kv => new RegionAllocation(kv.Key, kv.Value.Shards, kv.Value.Load)).ToList();
            var to = c.TargetRegionId is { } t && sim.ContainsKey(t) ? t : strategy.Allocate(null, c.ShardId, view);
            if (to == from)
            {
                sim[from].Shards.Add(c.ShardId);
                continue;
            }
            sim[to].Shards.Add(c.ShardId);
            moves.Add(new PlannedShardMove(c.ShardId, from, to, c.Reason));
        }
        return moves;
    }
}
