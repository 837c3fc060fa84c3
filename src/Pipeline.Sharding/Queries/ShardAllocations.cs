using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Queries;

/// <summary>The coordinator's allocation: shard id to region, and the shards currently handing off.</summary>
public sealed record ShardAllocations(IReadOnlyDictionary<string, IActorRef> Shards, IReadOnlyList<string> InHandOff);
