namespace Pipeline.Sharding.Allocation;

/// <summary>The measured load of one shard, reported by the region that hosts it.</summary>
public sealed record ShardLoad(string ShardId, int Entities, double MessagesPerSecond);
