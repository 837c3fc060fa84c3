using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.Tests.Support;

namespace Pipeline.Sharding.Tests.Api;

public sealed class ClusterShardingExtensionTests : ShardingSpec
{
    [Fact]
    public async Task Start_creates_one_region_per_type_and_StartProxy_routes_to_it()
    {
        var sharding = ClusterSharding.Get(Sys);
        Assert.Same(sharding, ClusterSharding.Get(Sys));
        var coordinator = sharding.StartCoordinator("orders", FastSettings);
        var region = sharding.Start("orders", TestEntity.Factory(Log), Extractor, FastSettings, coordinator);
        Assert.Equal(region, sharding.Start("orders", TestEntity.Factory(Log), Extractor, FastSettings, coordinator));
        Assert.Equal(region, sharding.ShardRegion("orders"));
        Assert.Equal("/system/sharding-orders", region.Path.ToStringWithoutAddress());

        var who = await region.Ask<Identity>(new WhoAreYou("o1"), TimeSpan.FromSeconds(5));
        Assert.Contains("/system/sharding-orders/", who.Path);

        // A proxy for another type name routes through the same coordinator to the hosting region.
        var proxy = sharding.StartProxy("orders-proxy", Extractor, coordinator, FastSettings);
        Assert.Equal(who.Path, (await proxy.Ask<Identity>(new WhoAreYou("o1"), TimeSpan.FromSeconds(5))).Path);
        Assert.Equal(new[] { "orders", "orders-proxy" }, sharding.ShardTypeNames.Order());
        var regions = await proxy.Ask<CurrentRegions>(new GetCurrentRegions(), TimeSpan.FromSeconds(5));
        Assert.Equal(region, Assert.Single(regions.Regions));
    }

    [Fact]
    public void Bad_input_gets_a_clear_error()
    {
        var sharding = ClusterSharding.Get(Sys);
        var e = Assert.Throws<InvalidOperationException>(() => sharding.ShardRegion("missing"));
        Assert.Contains("No shard region of type 'missing'", e.Message);
        Assert.Throws<ArgumentException>(() => sharding.StartCoordinator("bad/name"));
        Assert.Throws<ArgumentException>(() => sharding.StartCoordinator(" "));
        Assert.Throws<ArgumentException>(() => sharding.Start("t", TestEntity.Factory(Log), Extractor, new ClusterShardingSettings { BufferSize = -1 }, TestActor.Ref));
    }
}
