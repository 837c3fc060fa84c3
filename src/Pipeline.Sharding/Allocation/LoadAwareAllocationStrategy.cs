using System.Globalization;

namespace Pipeline.Sharding.Allocation;

/// <summary>
/// Weighs entities, message rate and a per-region capacity signal, so that a node with a GPU (a larger
/// capacity) takes more inference-heavy sources. A shard weighs
/// <c>ShardWeight + EntityWeight * entities + RateWeight * msgs/s</c> (its last report; an unreported shard weighs
/// <c>ShardWeight</c>); a region's score is the sum of its shards' weights divided by its capacity. Allocation: the
/// region whose score after taking the shard is lowest. Rebalance: while the highest score exceeds the lowest by
/// more than <see cref="ImbalanceThreshold"/> (relative to the highest), move the shard of the highest region that
/// best evens the pair, up to <see cref="MaxSimultaneousRebalance"/> shards in flight.
/// </summary>
public sealed class LoadAwareAllocationStrategy : IShardAllocationStrategy
{
    /// <summary>Creates the strategy.</summary>
    /// <param name="shardWeight">Fixed cost of hosting any shard (&gt; 0, keeps empty shards spread).</param>
    /// <param name="entityWeight">Cost per active entity (&gt;= 0).</param>
    /// <param name="rateWeight">Cost per message per second (&gt;= 0).</param>
    /// <param name="imbalanceThreshold">Relative score difference that triggers a rebalance, in (0, 1].</param>
    /// <param name="maxSimultaneousRebalance">Most shards moving at once (at least 1).</param>
    public LoadAwareAllocationStrategy(double shardWeight = 1, double entityWeight = 0.1, double rateWeight = 0.01, double imbalanceThreshold = 0.25, int maxSimultaneousRebalance = 3)
    {
        if (!(shardWeight > 0) || double.IsInfinity(shardWeight)) throw new ArgumentOutOfRangeException(nameof(shardWeight), shardWeight, "shardWeight must be positive and finite.");
        if (!(entityWeight >= 0) || double.IsInfinity(entityWeight)) throw new ArgumentOutOfRangeException(nameof(entityWeight), entityWeight, "entityWeight must be >= 0 and finite.");
        if (!(rateWeight >= 0) || double.IsInfinity(rateWeight)) throw new ArgumentOutOfRangeException(nameof(rateWeight), rateWeight, "rateWeight must be >= 0 and finite.");
        if (!(imbalanceThreshold > 0 && imbalanceThreshold <= 1)) throw new ArgumentOutOfRangeException(nameof(imbalanceThreshold), imbalanceThreshold, "imbalanceThreshold must be in (0, 1].");
        if (maxSimultaneousRebalance < 1) throw new ArgumentOutOfRangeException(nameof(maxSimultaneousRebalance), maxSimultaneousRebalance, "maxSimultaneousRebalance must be at least 1.");
        ShardWeight = shardWeight;
        EntityWeight = entityWeight;
        RateWeight = rateWeight;
        ImbalanceThreshold = imbalanceThreshold;
        MaxSimultaneousRebalance = maxSimultaneousRebalance;
    }

    /// <summary>Fixed cost of a shard.</summary>
    public double ShardWeight { get; }

    /// <summary>Cost per entity.</summary>
    public double EntityWeight { get; }

    /// <summary>Cost per message per second.</summary>
    public double RateWeight { get; }

    /// <summary>Relative score difference that triggers a rebalance.</summary>
    public double ImbalanceThreshold { get; }

    /// <summary>Most shards moving at once.</summary>
    public int MaxSimultaneousRebalance { get; }

    /// <inheritdoc />
    public string Allocate(string? requesterRegionId, string shardId, IReadOnlyList<RegionAllocation> current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.Count == 0) throw new InvalidOperationException($"Cannot allocate shard '{shardId}': no region is registered.");
        var scored = current.Select(r => (r.RegionId, Score: (Load(r) + ShardWeight) / Capacity(r))).ToList();
        var best = scored.Min(x => x.Score);
        var ties = scored.Where(x => x.Score - best <= 1e-9 * Math.Max(1, best)).Select(x => x.RegionId).ToList();
        if (requesterRegionId is not null && ties.Contains(requesterRegionId)) return requesterRegionId;
        return ties.Min(StringComparer.Ordinal)!;
    }

    /// <inheritdoc />
    public IReadOnlyList<RebalanceCandidate> Rebalance(IReadOnlyList<RegionAllocation> current, IReadOnlySet<string> inProgress)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(inProgress);
        var budget = MaxSimultaneousRebalance - inProgress.Count;
        if (current.Count < 2 || budget <= 0) return [];
        var regions = current.OrderBy(r => r.RegionId, StringComparer.Ordinal)
            .Select(r => new SimRegion(r.RegionId, Capacity(r), r.Shards.Select(s => (Id: s, Weight: WeightOf(r, s))).ToList()))
            .ToList();
        var result = new List<RebalanceCandidate>();
        while (result.Count < budget)
        {
            var high = regions.MaxBy(r => r.Score)!;
            var low = regions.MinBy(r => r.Score)!;
            if (high.Score <= 0 || high.Score - low.Score <= ImbalanceThreshold * high.Score) break;
            (string Id, double Weight)? pick = null;
            var bestSpread = high.Score - low.Score;
            foreach (var s in high.Shards.Where(s => !inProgress.Contains(s.Id)).OrderBy(s => s.Id, StringComparer.Ordinal))
            {
                var spread = Math.Abs((high.Load - s.Weight) / high.Capacity - (low.Load + s.Weight) / low.Capacity);
                if (spread < bestSpread - 1e-9)
                {
                    bestSpread = spread;
                    pick = s;
                }
            }
            if (pick is not { } chosen) break;
            result.Add(new RebalanceCandidate(chosen.Id, string.Create(CultureInfo.InvariantCulture,
                $"load-aware: region {high.Id} scores {high.Score:0.###} (capacity {high.Capacity:0.##}) and region {low.Id} {low.Score:0.###} (capacity {low.Capacity:0.##}), more than {ImbalanceThreshold:P0} apart; shard {chosen.Id} weighs {chosen.Weight:0.###}"), low.Id));
            high.Shards.Remove(chosen);
            low.Shards.Add(chosen);
        }
        return result;
    }

    private double WeightOf(RegionAllocation region, string shardId)
    {
        var load = region.Load?.Shards.FirstOrDefault(s => s.ShardId == shardId);
        return load is null ? ShardWeight : ShardWeight + EntityWeight * load.Entities + RateWeight * load.MessagesPerSecond;
    }

    private double Load(RegionAllocation region) => region.Shards.Sum(s => WeightOf(region, s));

    private static double Capacity(RegionAllocation region) => region.Load is { Capacity: > 0 and var c } && !double.IsInfinity(c) ? c : 1.0;

    private sealed class SimRegion(string id, double capacity, List<(string Id, double Weight)> shards)
    {
        public string Id { get; } = id;
        public double Capacity { get; } = capacity;
        public List<(string Id, double Weight)> Shards { get; } = shards;
        public double Load => Shards.Sum(s => s.Weight);
        public double Score => Load / Capacity;
    }
}
