namespace Pipeline.Sharding.Queries;

/// <summary>Asks one region for its shards and their entity ids; the answer is <see cref="ShardRegionState"/>.</summary>
public sealed record GetShardRegionState;
