using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Coordinator;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.Tests.Support;
using Pipeline.TestKit;

namespace Pipeline.Sharding.Tests.Coordinator;

public sealed class CoordinatorRecoveryTests : ShardingSpec
{
    [Fact]
    public async Task A_coordinator_started_elsewhere_recovers_regions_and_allocation_from_the_journal()
    {
        var settings = FastSettings with { SnapshotAfter = 5 }; // exercise snapshots + events
        var first = StartCoordinator(settings, name: "coordinator-1");
        var a = StartRegion("A", first, settings);
        var b = StartRegion("B", first, settings);
        await AwaitRegionsAsync(first, 2);
        for (var i = 0; i < 10; i++) await WhoAsync(a, EntityInShard(i.ToString()));
        var before = await AllocationsAsync(first);
        Assert.Equal(10, before.Shards.Count);

        await StopAndAwaitAsync(first);
        var second = StartCoordinator(settings, name: "coordinator-2");
        var after = await AllocationsAsync(second);
        Assert.Equal(before.Shards.OrderBy(kv => kv.Key), after.Shards.OrderBy(kv => kv.Key));
        var regions = await second.Ask<CurrentRegions>(new GetCurrentRegions(), TimeSpan.FromSeconds(5));
        Assert.Equal(2, regions.Regions.Count);

        // It keeps watching the recovered regions: a region that stops now has its shards reallocated.
        await StopAndAwaitAsync(b);
        await AwaitHelpers.AwaitAssertAsync(async () => Assert.All((await AllocationsAsync(second)).Shards.Values, r => Assert.Equal(a, r)),
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task A_handoff_whose_owner_never_answers_is_completed_by_force_and_the_shard_stays_allocated()
    {
        var settings = FastSettings with { HandOffTimeout = TimeSpan.FromSeconds(1), EntityStopTimeout = TimeSpan.FromMilliseconds(500) };
        var coordinator = StartCoordinator(settings);
        // A "region" that registers and takes a shard, then never answers the handoff protocol (a hung node).
        var hung = CreateTestProbe("hung");
        hung.Send(coordinator, new CoordinatorProtocol.Register(hung.Ref));
        await hung.ExpectMsgAsync<CoordinatorProtocol.RegisterAck>(TimeSpan.FromSeconds(5));
        hung.Send(coordinator, new CoordinatorProtocol.GetShardHome("7"));
        Assert.Equal(hung.Ref, (await hung.ExpectMsgAsync<CoordinatorProtocol.ShardHome>(TimeSpan.FromSeconds(5))).Region);

        var b = StartRegion("B", coordinator, settings);
        await AwaitRegionsAsync(coordinator, 2);
        await coordinator.Ask<Rebalance.RebalancePlan>(new Rebalance.MoveShard("7", b), TimeSpan.FromSeconds(5));
        Assert.Contains("7", (await AllocationsAsync(coordinator)).InHandOff);

        await AwaitHelpers.AwaitAssertAsync(async () => Assert.Equal(b, (await AllocationsAsync(coordinator)).Shards["7"]),
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
        Assert.Empty((await AllocationsAsync(coordinator)).InHandOff);
        Assert.True(Sharding.Api.ClusterSharding.Get(Sys).Metrics.ForcedTotal >= 1);
        Assert.Contains("/user/region-B/", (await WhoAsync(b, EntityInShard("7"))).Path);
    }
}
