namespace Pipeline.Sharding.Queries;

/// <summary>Asks one region for its shards and their entity counts; the answer is <see cref="ShardRegionStats"/>.</summary>
public sealed record GetShardRegionStats;
