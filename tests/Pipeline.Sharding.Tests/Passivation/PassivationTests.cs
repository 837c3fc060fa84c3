using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.Tests.Support;
using Pipeline.TestKit;

namespace Pipeline.Sharding.Tests.Passivation;

public sealed class PassivationTests : ShardingSpec
{
    [Fact]
    public async Task Idle_entities_are_passivated_and_come_back_on_the_next_message()
    {
        var settings = FastSettings with { PassivationIdleTimeout = TimeSpan.FromMilliseconds(300), HandOffStopMessage = new StopCommand() };
        var coordinator = StartCoordinator(settings);
        var a = StartRegion("A", coordinator, settings);
        await WhoAsync(a, "idle");
        await AwaitHelpers.AwaitConditionAsync(() => Log.Activations("idle") is [{ Stop: < long.MaxValue }], TimeSpan.FromSeconds(5), "passivated when idle");
        await WhoAsync(a, "idle");
        Assert.Equal(2, Log.Activations("idle").Count);
        Log.AssertNoOverlap();
    }

    [Fact]
    public async Task Beyond_the_region_limit_the_least_recently_used_entities_are_passivated()
    {
        Extractor = new HashCodeMessageExtractor(1, TestExtractor.EntityIdOf);
        var settings = FastSettings with { MaxActiveEntitiesPerRegion = 3 };
        var coordinator = StartCoordinator(settings);
        var a = StartRegion("A", coordinator, settings);
        foreach (var id in new[] { "l1", "l2", "l3" }) await WhoAsync(a, id);
        await WhoAsync(a, "l1"); // l1 is now more recent than l2 and l3
        await WhoAsync(a, "l4"); // evicts l2
        await WhoAsync(a, "l5"); // evicts l3

        await AwaitHelpers.AwaitAssertAsync(async () =>
        {
            var state = await a.Ask<ShardRegionState>(new GetShardRegionState(), TimeSpan.FromSeconds(5));
            Assert.Equal(new[] { "l1", "l4", "l5" }, Assert.Single(state.Shards).EntityIds);
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50));
        await AwaitHelpers.AwaitConditionAsync(() => Log.ActiveCount == 3, TimeSpan.FromSeconds(5), "3 entities alive");
        Assert.All(new[] { "l2", "l3" }, id => Assert.True(Log.Activations(id).Single().Stop < long.MaxValue));
    }

    [Fact]
    public async Task Messages_that_arrive_while_an_entity_passivates_are_kept_and_restart_it()
    {
        var settings = FastSettings;
        var coordinator = StartCoordinator(settings);
        var a = StartRegion("A", coordinator, settings);
        var probe = CreateTestProbe();
        await WhoAsync(a, "p");
        probe.Send(a, new PassivateYourself("p"));
        for (var i = 1; i <= 50; i++) a.Tell(new Numbered("p", i));
        await AwaitHelpers.AwaitConditionAsync(() => Log.ReceivedBy("p").Count == 50, TimeSpan.FromSeconds(5), "all 50 delivered");
        Assert.Equal(Enumerable.Range(1, 50), Log.ReceivedBy("p"));
        Log.AssertNoOverlap();
    }
}
