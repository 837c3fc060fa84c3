using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Rebalance;

/// <summary>One shard move of a <see cref="RebalancePlan"/>: from which region (null: unallocated) to which, and why.</summary>
public sealed record PlannedMove(string ShardId, IActorRef? From, IActorRef To, string Reason);
