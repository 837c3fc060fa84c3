using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Rebalance;

/// <summary>
/// Operator command to the coordinator: move <see cref="ShardId"/> to region <see cref="TargetRegion"/> (hand
/// off, then start there). With <see cref="DryRun"/> the coordinator only answers the <see cref="RebalancePlan"/>.
/// Refused with <see cref="ShardingCommandFailed"/> when the target is not a registered region or the shard is already moving.
/// </summary>
public sealed record MoveShard(string ShardId, IActorRef TargetRegion, bool DryRun = false);
