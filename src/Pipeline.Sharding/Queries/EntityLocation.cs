using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Queries;

/// <summary>
/// Where an entity lives: its shard, the region hosting that shard (null: not allocated, or unknown to the asked
/// region right now) and the entity's ref when it is running (null: not running).
/// </summary>
public sealed record EntityLocation(string EntityId, string ShardId, IActorRef? Region, IActorRef? Entity);
