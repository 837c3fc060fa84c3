namespace Pipeline.Sharding.Rebalance;

/// <summary>One move of a plan in strategy terms (region ids): what <see cref="RebalancePlanner"/> computes.</summary>
public sealed record PlannedShardMove(string ShardId, string? FromRegionId, string ToRegionId, string Reason);
