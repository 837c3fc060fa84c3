using Pipeline.Sharding.Allocation;
using Pipeline.Sharding.Rebalance;

namespace Pipeline.Sharding.Tests.Allocation;

public sealed class LoadAwareAllocationStrategyTests
{
    private static RegionAllocation R(string id, double capacity, params (string Shard, int Entities, double Rate)[] shards)
        => new(id, shards.Select(s => s.Shard).ToList(), new RegionLoad(capacity, shards.Select(s => new ShardLoad(s.Shard, s.Entities, s.Rate)).ToList()));

    [Fact]
    public void A_region_with_more_capacity_takes_more_shards()
    {
        var s = new LoadAwareAllocationStrategy(shardWeight: 1, entityWeight: 0, rateWeight: 0);
        var regions = new List<RegionAllocation> { R("cpu", 1), R("gpu", 4) };
        for (var i = 0; i < 10; i++)
        {
            var target = s.Allocate(null, i.ToString(), regions);
            regions = regions.Select(r => r.RegionId == target ? r with { Shards = r.Shards.Append(i.ToString()).ToList() } : r).ToList();
        }
        Assert.Equal(8, regions.Single(r => r.RegionId == "gpu").Shards.Count);
        Assert.Equal(2, regions.Single(r => r.RegionId == "cpu").Shards.Count);
    }

    [Fact]
    public void Entities_and_message_rate_weigh_in_allocation()
    {
        var s = new LoadAwareAllocationStrategy(shardWeight: 1, entityWeight: 1, rateWeight: 0.1);
        var busy = R("busy", 1, ("1", 50, 1000));
        var quiet = R("quiet", 1, ("2", 1, 1), ("3", 1, 1));
        Assert.Equal("quiet", s.Allocate("busy", "9", [busy, quiet]));
    }

    [Fact]
    public void Rebalance_moves_the_shard_that_best_evens_the_load_and_says_why()
    {
        var s = new LoadAwareAllocationStrategy(shardWeight: 1, entityWeight: 1, rateWeight: 0, imbalanceThreshold: 0.25);
        var hot = R("hot", 1, ("1", 10, 0), ("2", 4, 0), ("3", 1, 0));
        var cold = R("cold", 1, ("4", 1, 0));
        var moves = s.Rebalance([hot, cold], new HashSet<string>());
        // hot weighs 11 + 5 + 2 = 18, cold 2. Moving shard 1 (11) or 2 (5) both leave 7 vs 13; the smaller id wins.
        // Then cold (13) vs hot (7) is still 46% apart: shard 4 (2) goes back, leaving 9 vs 11 (within 25%).
        Assert.Equal([("1", "cold"), ("4", "hot")], moves.Select(m => (m.ShardId, m.TargetRegionId)));
        Assert.Contains("load-aware", moves[0].Reason);
        var plan = RebalancePlanner.Plan(s, [hot, cold], new HashSet<string>());
        Assert.Equal([("1", "hot", "cold"), ("4", "cold", "hot")], plan.Select(p => (p.ShardId, p.FromRegionId, p.ToRegionId)));
    }

    [Fact]
    public void A_balanced_cluster_is_left_alone_and_capacity_counts()
    {
        var s = new LoadAwareAllocationStrategy(shardWeight: 1, entityWeight: 0, rateWeight: 0);
        // 8 shards on a capacity-4 region and 2 on a capacity-1 region: both score 2.
        var gpu = R("gpu", 4, Enumerable.Range(0, 8).Select(i => ("g" + i, 0, 0.0)).ToArray());
        var cpu = R("cpu", 1, ("c0", 0, 0), ("c1", 0, 0));
        Assert.Empty(s.Rebalance([gpu, cpu], new HashSet<string>()));
        // The same shards on equal regions are imbalanced.
        Assert.NotEmpty(s.Rebalance([gpu with { Load = gpu.Load! with { Capacity = 1 } }, cpu], new HashSet<string>()));
    }

    [Fact]
    public void Decisions_are_deterministic()
    {
        var s = new LoadAwareAllocationStrategy();
        var regions = new[] { R("b", 1, ("1", 3, 5), ("2", 8, 1), ("5", 2, 2)), R("a", 1), R("c", 2, ("3", 1, 1)) };
        var first = RebalancePlanner.Plan(s, regions, new HashSet<string>());
        for (var i = 0; i < 5; i++) Assert.Equal(first, RebalancePlanner.Plan(s, regions.Reverse().ToArray(), new HashSet<string>()));
    }

    [Fact]
    public void Invalid_weights_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoadAwareAllocationStrategy(shardWeight: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoadAwareAllocationStrategy(entityWeight: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoadAwareAllocationStrategy(imbalanceThreshold: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoadAwareAllocationStrategy(maxSimultaneousRebalance: 0));
    }
}
