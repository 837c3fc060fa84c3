namespace Pipeline.Sharding.Queries;

/// <summary>Asks the coordinator where every shard lives; the answer is <see cref="ShardAllocations"/>.</summary>
public sealed record GetShardAllocations;
