namespace Pipeline.Sharding.Allocation;

/// <summary>
/// A shard a strategy wants to move, and why (shown in dry-run plans and logs); <see cref="TargetRegionId"/> is
/// where it should go, or null to let <see cref="IShardAllocationStrategy.Allocate"/> decide.
/// </summary>
public sealed record RebalanceCandidate(string ShardId, string Reason, string? TargetRegionId = null);
