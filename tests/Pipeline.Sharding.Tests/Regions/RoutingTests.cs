using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.Tests.Support;
using Pipeline.TestKit;

namespace Pipeline.Sharding.Tests.Regions;

public sealed class RoutingTests : ShardingSpec
{
    [Fact]
    public async Task Messages_reach_one_entity_per_id_whichever_region_they_enter()
    {
        var coordinator = StartCoordinator(FastSettings);
        var a = StartRegion("A", coordinator, FastSettings);
        var b = StartRegion("B", coordinator, FastSettings);
        await AwaitRegionsAsync(coordinator, 2);

        var viaA = new Dictionary<string, Identity>();
        for (var i = 0; i < 20; i++) viaA["e" + i] = await WhoAsync(a, "e" + i);
        for (var i = 0; i < 20; i++)
        {
            var id = "e" + i;
            var viaB = await WhoAsync(b, id);
            Assert.Equal(viaA[id].Path, viaB.Path);
            // The entity lives under the shard the extractor names, in one of the two regions.
            var shard = Extractor.ShardId(id);
            Assert.Matches($"/user/region-[AB]/{shard}/{id}$", viaB.Path);
        }
        var allocations = await AllocationsAsync(coordinator);
        Assert.Equal(viaA.Values.Select(v => Extractor.ShardId(v.EntityId)).Distinct().Count(), allocations.Shards.Count);
        Assert.Equal(2, allocations.Shards.Values.Distinct().Count()); // least-shards spreads them over both regions
        Log.AssertNoOverlap();
    }

    [Fact]
    public async Task Envelopes_and_StartEntity_work_for_every_extractor()
    {
        Extractor = new HashCodeMessageExtractor(5); // knows no application message at all
        var coordinator = StartCoordinator(FastSettings);
        var a = StartRegion("A", coordinator, FastSettings);

        Assert.Equal("x1:hello", await a.Ask<string>(new ShardingEnvelope("x1", "hello"), TimeSpan.FromSeconds(5)));
        var ack = await a.Ask<StartEntityAck>(new StartEntity("x2"), TimeSpan.FromSeconds(5));
        Assert.Equal(new StartEntityAck("x2", Extractor.ShardId("x2")), ack);
        await AwaitHelpers.AwaitConditionAsync(() => Log.Activations("x2").Count == 1, TimeSpan.FromSeconds(5), "x2 started once");

        var state = await a.Ask<ShardRegionState>(new GetShardRegionState(), TimeSpan.FromSeconds(5));
        Assert.Contains(state.Shards, s => s.EntityIds.Contains("x2"));
        Assert.Contains(state.Shards, s => s.EntityIds.Contains("x1"));

        // A message the extractor cannot place is dead-lettered, not delivered anywhere.
        var deadLetters = CreateTestProbe();
        using var sub = Sys.EventStream.Subscribe<DeadLetter>(d => deadLetters.Ref.Tell(d.Message.ToString()!));
        a.Tell(new WhoAreYou("x1"));
        await deadLetters.FishForMessageAsync<string>(s => s.Contains("WhoAreYou"), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Queries_report_regions_stats_and_entity_locations()
    {
        var coordinator = StartCoordinator(FastSettings);
        var a = StartRegion("A", coordinator, FastSettings);
        var b = StartRegion("B", coordinator, FastSettings);
        await AwaitRegionsAsync(coordinator, 2);
        for (var i = 0; i < 10; i++) await WhoAsync(a, "e" + i);

        var regions = await b.Ask<CurrentRegions>(new GetCurrentRegions(), TimeSpan.FromSeconds(5));
        Assert.Equal(new[] { a, b }.OrderBy(r => r.Path.ToString()), regions.Regions.OrderBy(r => r.Path.ToString()));

        var stats = await a.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(5));
        Assert.Equal(2, stats.Regions.Count);
        Assert.Equal(10, stats.Regions.Sum(r => r.Stats.Values.Sum()));

        var location = await b.Ask<EntityLocation>(new GetEntityLocation("e3"), TimeSpan.FromSeconds(5));
        var who = await WhoAsync(b, "e3");
        Assert.Equal(Extractor.ShardId("e3"), location.ShardId);
        Assert.Equal(who.Path, location.Entity!.Path.ToString());
        Assert.StartsWith(location.Region!.Path.ToString(), who.Path);

        var unknown = await a.Ask<EntityLocation>(new GetEntityLocation("never-seen-" + Guid.NewGuid()), TimeSpan.FromSeconds(5));
        Assert.Null(unknown.Entity);
    }

    [Fact]
    public async Task A_proxy_routes_without_hosting()
    {
        var coordinator = StartCoordinator(FastSettings);
        var a = StartRegion("A", coordinator, FastSettings);
        var proxy = Sys.ActorOf(Sharding.Regions.ShardRegion.Props(TypeName, null, Extractor, FastSettings, coordinator), "proxy");
        await AwaitRegionsAsync(coordinator, 1);
        var who = await WhoAsync(proxy, "p1");
        Assert.Contains("/user/region-A/", who.Path);
        var state = await proxy.Ask<ShardRegionState>(new GetShardRegionState(), TimeSpan.FromSeconds(5));
        Assert.Empty(state.Shards);
    }
}
