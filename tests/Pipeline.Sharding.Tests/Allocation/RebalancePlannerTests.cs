using Pipeline.Sharding.Allocation;
using Pipeline.Sharding.Rebalance;

namespace Pipeline.Sharding.Tests.Allocation;

public sealed class RebalancePlannerTests
{
    [Fact]
    public void Targets_come_from_allocation_on_the_simulated_state()
    {
        var s = new LeastShardAllocationStrategy(rebalanceThreshold: 3, maxSimultaneousRebalance: 3);
        var current = new[]
        {
            new RegionAllocation("a", Enumerable.Range(0, 10).Select(i => "s" + i.ToString("00")).ToList()),
            new RegionAllocation("b", ["x"]),
            new RegionAllocation("c", []),
        };
        var plan = RebalancePlanner.Plan(s, current, new HashSet<string>());
        // 10 vs 0: min(10-3, 3, 3) = 3 shards; each goes to the then-emptiest region: c, then b/c ties -> b? b has 1, c has 1 -> smallest id b, then c.
        Assert.Equal(["s00", "s01", "s02"], plan.Select(p => p.ShardId));
        Assert.Equal(["c", "b", "c"], plan.Select(p => p.ToRegionId));
        Assert.All(plan, p => Assert.Equal("a", p.FromRegionId));
    }

    [Fact]
    public void Nothing_to_do_gives_an_empty_plan()
    {
        var s = new LeastShardAllocationStrategy();
        Assert.Empty(RebalancePlanner.Plan(s, [new RegionAllocation("a", ["1"]), new RegionAllocation("b", ["2"])], new HashSet<string>()));
    }
}
