using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Rebalance;
using Pipeline.Sharding.Tests.Support;
using Pipeline.TestKit;

namespace Pipeline.Sharding.Tests.Handoff;

public sealed class ProxyTrafficTests : ShardingSpec
{
    [Fact]
    public async Task A_shard_moved_back_and_forth_under_traffic_from_a_proxy_loses_and_reorders_nothing()
    {
        var coordinator = StartCoordinator(FastSettings);
        var a = StartRegion("A", coordinator, FastSettings);
        var b = StartRegion("B", coordinator, FastSettings);
        var proxy = Sys.ActorOf(Sharding.Regions.ShardRegion.Props(TypeName, null, Extractor, FastSettings, coordinator), "proxy");
        await AwaitRegionsAsync(coordinator, 2);
        var shard = Extractor.ShardId("e1");
        var entities = Enumerable.Range(0, 30).Select(i => "e" + i).ToList();
        var traffic = new Traffic(proxy, entities);
        traffic.Start();
        await AwaitHelpers.AwaitConditionAsync(() => Log.ReceivedBy("e1").Count > 0, TimeSpan.FromSeconds(5), "traffic flows");

        for (var round = 0; round < 6; round++)
        {
            var current = (await AllocationsAsync(coordinator)).Shards[shard];
            var target = current.Equals(a) ? b : a;
            await coordinator.Ask<RebalancePlan>(new MoveShard(shard, target), TimeSpan.FromSeconds(5));
            await AwaitHelpers.AwaitAssertAsync(async () =>
            {
                var alloc = await AllocationsAsync(coordinator);
                Assert.Empty(alloc.InHandOff);
                Assert.Equal(target, alloc.Shards[shard]);
            }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        }
        var sent = await traffic.StopAsync();

        await AwaitHelpers.AwaitConditionAsync(() => sent.All(kv => Log.ReceivedBy(kv.Key).Count >= kv.Value), TimeSpan.FromSeconds(20), "all delivered");
        foreach (var (id, count) in sent) Assert.Equal(Enumerable.Range(1, count), Log.ReceivedBy(id));
        Assert.True(Log.Activations("e1").Count >= 6, $"e1 ran {Log.Activations("e1").Count} times");
        Log.AssertNoOverlap();
    }

    [Fact]
    public async Task Passivated_entities_are_forgotten_and_running_ones_remembered()
    {
        var settings = FastSettings with { RememberEntities = true };
        var coordinator = StartCoordinator(settings);
        var a = StartRegion("A", coordinator, settings);
        await AwaitRegionsAsync(coordinator, 1);
        var kept = EntityInShard("5", 0);
        var dropped = EntityInShard("5", 1);
        await WhoAsync(a, kept);
        await WhoAsync(a, dropped);
        a.Tell(new PassivateYourself(dropped));
        await AwaitHelpers.AwaitConditionAsync(() => Log.Activations(dropped) is [{ Stop: < long.MaxValue }], TimeSpan.FromSeconds(5), "passivated");

        var b = StartRegion("B", coordinator, settings);
        await AwaitRegionsAsync(coordinator, 2);
        await StopAndAwaitAsync(a);
        await AwaitHelpers.AwaitConditionAsync(() => Log.Activations(kept).Count == 2, TimeSpan.FromSeconds(10), "kept entity restarted on B");
        Assert.Contains("/region-B/", Log.Activations(kept)[1].Path);
        Assert.Single(Log.Activations(dropped));
        Log.AssertNoOverlap();
    }
}
