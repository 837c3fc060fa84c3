using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Rebalance;
using Pipeline.Sharding.Tests.Support;
using Pipeline.TestKit;

namespace Pipeline.Sharding.Tests.Handoff;

public sealed class HandOffTimeoutTests : ShardingSpec
{
    [Fact]
    public async Task Entities_that_ignore_the_stop_message_are_stopped_by_force_and_the_shard_moves()
    {
        var settings = FastSettings with { HandOffStopMessage = new StopCommand(), EntityStopTimeout = TimeSpan.FromMilliseconds(400) };
        var coordinator = StartCoordinator(settings);
        var a = StartRegion("A", coordinator, settings, TestEntity.Factory(Log, stubborn: true));
        await AwaitRegionsAsync(coordinator, 1);
        var id = EntityInShard("2");
        for (var i = 1; i <= 10; i++) a.Tell(new Numbered(id, i));
        var b = StartRegion("B", coordinator, settings, TestEntity.Factory(Log, stubborn: true));
        await AwaitRegionsAsync(coordinator, 2);

        await coordinator.Ask<RebalancePlan>(new MoveShard("2", b), TimeSpan.FromSeconds(5));
        for (var i = 11; i <= 20; i++) a.Tell(new Numbered(id, i));
        await AwaitHelpers.AwaitConditionAsync(() => Log.ReceivedBy(id).Count == 20, TimeSpan.FromSeconds(10), "all 20 delivered");
        Assert.Equal(Enumerable.Range(1, 20), Log.ReceivedBy(id));
        Assert.Contains("/user/region-B/", (await WhoAsync(a, id)).Path);
        Assert.True(ClusterSharding.Get(Sys).Metrics.ForcedTotal >= 1);
        Log.AssertNoOverlap();
    }
}
