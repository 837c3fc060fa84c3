using Pipeline.Sharding.Api;

namespace Pipeline.Sharding.Tests.Api;

public sealed class ExtractorAndSettingsTests
{
    [Fact]
    public void Shard_ids_are_stable_across_processes()
    {
        // FNV-1a is a fixed function: these values are the same in every process and on every run.
        Assert.Equal(0x2B24D044u, StableHash.Fnv1a("a"));
        Assert.Equal(2166136261u, StableHash.Fnv1a(""));
        var x = new HashCodeMessageExtractor(100);
        var ids = Enumerable.Range(0, 1000).Select(i => x.ShardId("entity-" + i)).ToList();
        Assert.Equal(ids, Enumerable.Range(0, 1000).Select(i => new HashCodeMessageExtractor(100).ShardId("entity-" + i)));
        Assert.All(ids, id => Assert.InRange(int.Parse(id), 0, 99));
        Assert.True(ids.Distinct().Count() > 90, "the hash spreads ids over the shards");
    }

    [Fact]
    public void The_extractor_unwraps_envelopes_and_uses_the_given_function()
    {
        var x = new HashCodeMessageExtractor(10, m => m is int i ? "n" + i : null);
        Assert.Equal("e", x.EntityId(new ShardingEnvelope("e", "m")));
        Assert.Equal("m", x.EntityMessage(new ShardingEnvelope("e", "m")));
        Assert.Equal("s", x.EntityId(new StartEntity("s")));
        Assert.Equal("n5", x.EntityId(5));
        Assert.Null(x.EntityId("unknown"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashCodeMessageExtractor(0));
    }

    [Fact]
    public void Invalid_settings_name_the_setting()
    {
        Assert.Equal("EntityStopTimeout", Assert.Throws<ArgumentException>(() => new ClusterShardingSettings { EntityStopTimeout = TimeSpan.FromMinutes(5) }.Validate()).ParamName);
        Assert.Equal("BufferSize", Assert.Throws<ArgumentException>(() => new ClusterShardingSettings { BufferSize = 0 }.Validate()).ParamName);
        Assert.Equal("RegionCapacity", Assert.Throws<ArgumentException>(() => new ClusterShardingSettings { RegionCapacity = 0 }.Validate()).ParamName);
        Assert.Equal("MaxActiveEntitiesPerRegion", Assert.Throws<ArgumentException>(() => new ClusterShardingSettings { MaxActiveEntitiesPerRegion = 0 }.Validate()).ParamName);
        Assert.Equal("RebalanceInterval", Assert.Throws<ArgumentException>(() => new ClusterShardingSettings { RebalanceInterval = TimeSpan.Zero }.Validate()).ParamName);
        new ClusterShardingSettings().Validate();
    }
}
