namespace Pipeline.Sharding.Queries;

/// <summary>One shard and its active entity ids.</summary>
public sealed record ShardState(string ShardId, IReadOnlyList<string> EntityIds);
