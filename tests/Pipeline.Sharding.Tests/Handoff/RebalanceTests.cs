using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Allocation;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.Rebalance;
using Pipeline.Sharding.Tests.Support;
using Pipeline.TestKit;

namespace Pipeline.Sharding.Tests.Handoff;

public sealed class RebalanceTests : ShardingSpec
{
    private async Task AssertEveryMessageOnceInOrder(IReadOnlyDictionary<string, int> sent)
    {
        await AwaitHelpers.AwaitConditionAsync(() => sent.All(kv => Log.ReceivedBy(kv.Key).Count >= kv.Value), TimeSpan.FromSeconds(20),
            "every entity received all its messages");
        foreach (var (id, count) in sent)
            Assert.Equal(Enumerable.Range(1, count), Log.ReceivedBy(id));
        Log.AssertNoOverlap();
    }

    [Fact]
    public async Task Entities_get_every_message_once_and_in_order_while_shards_move_and_never_run_twice()
    {
        var settings = FastSettings with { RebalanceInterval = TimeSpan.FromMilliseconds(300) };
        var coordinator = StartCoordinator(settings, new LeastShardAllocationStrategy(rebalanceThreshold: 1, maxSimultaneousRebalance: 3));
        var a = StartRegion("A", coordinator, settings);
        var b = StartRegion("B", coordinator, settings);
        await AwaitRegionsAsync(coordinator, 2);
        var entities = Enumerable.Range(0, 40).Select(i => "e" + i).ToList();
        var traffic = new Traffic(a, entities);
        traffic.Start();
        await Task.Delay(300);

        // Two more "nodes" join: rebalances move shards to them under traffic.
        var c = StartRegion("C", coordinator, settings);
        var d = StartRegion("D", coordinator, settings);
        await AwaitHelpers.AwaitAssertAsync(async () =>
        {
            var alloc = await AllocationsAsync(coordinator);
            Assert.Contains(c, alloc.Shards.Values);
            Assert.Contains(d, alloc.Shards.Values);
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));

        // And an operator moves a shard by hand.
        var shard = Extractor.ShardId("e1");
        var answer = await coordinator.Ask(new MoveShard(shard, b), TimeSpan.FromSeconds(5));
        await Task.Delay(500);
        var sent = await traffic.StopAsync();

        Assert.True(ClusterSharding.Get(Sys).Metrics.HandOffsTotal >= 2, $"handoffs: {ClusterSharding.Get(Sys).Metrics.HandOffsTotal}");
        Assert.True(sent.Values.Min() > 50, "traffic ran continuously");
        await AssertEveryMessageOnceInOrder(sent);
        // Either planned to B, or refused because an automatic rebalance was moving that shard right then.
        if (answer is RebalancePlan plan) Assert.All(plan.Moves, m => Assert.Equal(b, m.To));
        else Assert.Contains("already handing off", Assert.IsType<ShardingCommandFailed>(answer).Reason);
    }

    [Fact]
    public async Task A_new_region_gets_shards_within_two_rebalance_intervals()
    {
        var interval = TimeSpan.FromMilliseconds(500);
        var settings = FastSettings with { RebalanceInterval = interval };
        var coordinator = StartCoordinator(settings);
        var a = StartRegion("A", coordinator, settings);
        var b = StartRegion("B", coordinator, settings);
        await AwaitRegionsAsync(coordinator, 2);
        for (var i = 0; i < 10; i++) await WhoAsync(a, EntityInShard(i.ToString()));
        Assert.Equal(10, (await AllocationsAsync(coordinator)).Shards.Count);

        var c = StartRegion("C", coordinator, settings);
        await AwaitRegionsAsync(coordinator, 3);
        var joined = DateTime.UtcNow;
        await AwaitHelpers.AwaitAssertAsync(async () => Assert.Contains(c, (await AllocationsAsync(coordinator)).Shards.Values),
            2 * interval + TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(50));
        Assert.True(DateTime.UtcNow - joined < 2 * interval + TimeSpan.FromSeconds(1));
        // The entities of moved shards answer from their new home.
        foreach (var (shard, region) in (await AllocationsAsync(coordinator)).Shards.Where(kv => kv.Value.Equals(c)))
            Assert.Contains("/user/region-C/", (await WhoAsync(b, EntityInShard(shard))).Path);
        Log.AssertNoOverlap();
    }

    [Fact]
    public async Task Manual_move_and_rebalance_have_dry_runs_that_change_nothing()
    {
        var coordinator = StartCoordinator(FastSettings);
        var a = StartRegion("A", coordinator, FastSettings);
        await AwaitRegionsAsync(coordinator, 1);
        for (var i = 0; i < 6; i++) await WhoAsync(a, EntityInShard(i.ToString()));
        var b = StartRegion("B", coordinator, FastSettings);
        await AwaitRegionsAsync(coordinator, 2);

        // Dry run of a manual move: the plan, and nothing moves.
        var dry = await coordinator.Ask<RebalancePlan>(new MoveShard("0", b, DryRun: true), TimeSpan.FromSeconds(5));
        Assert.True(dry.DryRun);
        var move = Assert.Single(dry.Moves);
        Assert.Equal(("0", a, b), (move.ShardId, move.From, move.To));
        Assert.Contains("manual", move.Reason);
        Assert.Equal(a, (await AllocationsAsync(coordinator)).Shards["0"]);

        // Applied: the shard moves and its entity answers from B.
        var applied = await coordinator.Ask<RebalancePlan>(new MoveShard("0", b), TimeSpan.FromSeconds(5));
        Assert.False(applied.DryRun);
        await AwaitHelpers.AwaitAssertAsync(async () => Assert.Equal(b, (await AllocationsAsync(coordinator)).Shards["0"]), TimeSpan.FromSeconds(10));
        Assert.Contains("/user/region-B/", (await WhoAsync(a, EntityInShard("0"))).Path);

        // Rebalance dry run: A has 5, B has 1 -> least-shards (threshold 1) plans one move from A to B, with its reason.
        var plan = await coordinator.Ask<RebalancePlan>(new RebalanceNow(DryRun: true), TimeSpan.FromSeconds(5));
        var planned = Assert.Single(plan.Moves);
        Assert.Equal((a, b), (planned.From, planned.To));
        Assert.Contains("difference 4 >= rebalance threshold 1", planned.Reason);
        Assert.Equal(a, (await AllocationsAsync(coordinator)).Shards[planned.ShardId]);
        var done = await coordinator.Ask<RebalancePlan>(new RebalanceNow(), TimeSpan.FromSeconds(5));
        Assert.Equal(plan.Moves, done.Moves);
        await AwaitHelpers.AwaitAssertAsync(async () => Assert.Equal(b, (await AllocationsAsync(coordinator)).Shards[planned.ShardId]), TimeSpan.FromSeconds(10));

        // Refusals name the problem.
        var refused = await coordinator.Ask<ShardingCommandFailed>(new MoveShard("1", TestActor.Ref), TimeSpan.FromSeconds(5));
        Assert.Contains("not a registered region", refused.Reason);
        Log.AssertNoOverlap();
    }

    [Fact]
    public async Task Graceful_shutdown_hands_off_every_shard_before_the_region_stops()
    {
        var coordinator = StartCoordinator(FastSettings);
        var a = StartRegion("A", coordinator, FastSettings);
        var b = StartRegion("B", coordinator, FastSettings);
        await AwaitRegionsAsync(coordinator, 2);
        var entities = Enumerable.Range(0, 20).Select(i => "e" + i).ToList();
        var traffic = new Traffic(b, entities);
        traffic.Start();
        await Task.Delay(300);
        Assert.Contains(a, (await AllocationsAsync(coordinator)).Shards.Values);

        var watcher = CreateTestProbe();
        watcher.Watch(a);
        a.Tell(new GracefulShutdown());
        await watcher.ExpectTerminatedAsync(a, TimeSpan.FromSeconds(15));
        await Task.Delay(200);
        var sent = await traffic.StopAsync();

        var alloc = await AllocationsAsync(coordinator);
        Assert.All(alloc.Shards.Values, r => Assert.Equal(b, r));
        await AssertEveryMessageOnceInOrder(sent);
    }
}
