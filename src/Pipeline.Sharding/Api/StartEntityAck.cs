namespace Pipeline.Sharding.Api;

/// <summary>The answer to <see cref="StartEntity"/>: the entity now runs in shard <see cref="ShardId"/>.</summary>
public sealed record StartEntityAck(string EntityId, string ShardId);
