using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.Tests.Support;
using Pipeline.TestKit;

namespace Pipeline.Sharding.Tests.RememberEntities;

public sealed class CrashRecoveryTests : ShardingSpec
{
    [Fact]
    public async Task A_crashed_regions_shards_move_and_remembered_entities_resume_from_persisted_state()
    {
        var settings = FastSettings with { RememberEntities = true };
        var coordinator = StartCoordinator(settings);
        var a = StartRegion("A", coordinator, settings, PersistentCounter.Factory(Log));
        var b = StartRegion("B", coordinator, settings, PersistentCounter.Factory(Log));
        var c = StartRegion("C", coordinator, settings, PersistentCounter.Factory(Log));
        await AwaitRegionsAsync(coordinator, 3);
        var totals = new Dictionary<string, int>();
        for (var i = 0; i < 20; i++)
        {
            var id = "c" + i;
            for (var n = 1; n <= 3; n++) totals[id] = (await b.Ask<Identity>(new Add(id, n), TimeSpan.FromSeconds(5))).Count;
        }
        var onA = new List<string>();
        foreach (var id in totals.Keys)
            if ((await WhoAsync(b, id)).Path.Contains("/region-A/")) onA.Add(id);
        Assert.NotEmpty(onA);
        var shardsOfA = (await AllocationsAsync(coordinator)).Shards.Count(kv => kv.Value.Equals(a));

        // Node A "crashes": its region stops without a graceful handoff.
        await StopAndAwaitAsync(a);

        // Without any new message, A's remembered entities start again elsewhere (remember-entities)...
        await AwaitHelpers.AwaitConditionAsync(() => onA.All(id => Log.Activations(id).Count(x => !x.Path.Contains("/region-A/")) == 1),
            TimeSpan.FromSeconds(15), "A's entities restarted on B or C");
        // ...with the state they persisted.
        foreach (var id in totals.Keys)
        {
            var who = await WhoAsync(b, id);
            Assert.DoesNotContain("/region-A/", who.Path);
            Assert.Equal(totals[id], who.Count);
        }
        // A's shards were spread over the survivors by the strategy (least shards), not piled onto one.
        var alloc = await AllocationsAsync(coordinator);
        Assert.Equal(10, alloc.Shards.Count);
        Assert.DoesNotContain(a, alloc.Shards.Values);
        var counts = alloc.Shards.Values.GroupBy(r => r).Select(g => g.Count()).ToList();
        Assert.True(counts.Max() - counts.Min() <= 1, $"A had {shardsOfA} shards; now {string.Join("/", counts)}");
        Log.AssertNoOverlap();
    }

    [Fact]
    public async Task Entities_remembered_across_a_rebalance_start_at_the_new_owner_without_a_message()
    {
        var settings = FastSettings with { RememberEntities = true };
        var coordinator = StartCoordinator(settings);
        var a = StartRegion("A", coordinator, settings, PersistentCounter.Factory(Log));
        await AwaitRegionsAsync(coordinator, 1);
        var id = EntityInShard("3");
        await a.Ask<Identity>(new Add(id, 5), TimeSpan.FromSeconds(5));
        var b = StartRegion("B", coordinator, settings, PersistentCounter.Factory(Log));
        await AwaitRegionsAsync(coordinator, 2);

        await coordinator.Ask<Rebalance.RebalancePlan>(new Rebalance.MoveShard("3", b), TimeSpan.FromSeconds(5));
        await AwaitHelpers.AwaitConditionAsync(() => Log.Activations(id).Any(x => x.Path.Contains("/region-B/")), TimeSpan.FromSeconds(10), "restarted on B");
        Assert.Equal(5, (await WhoAsync(a, id)).Count);
        Log.AssertNoOverlap();
    }
}
