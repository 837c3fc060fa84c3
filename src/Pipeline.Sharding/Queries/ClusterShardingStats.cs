namespace Pipeline.Sharding.Queries;

/// <summary>Shards and entity counts per region, over the whole cluster.</summary>
public sealed record ClusterShardingStats(IReadOnlyList<ShardRegionStats> Regions);
