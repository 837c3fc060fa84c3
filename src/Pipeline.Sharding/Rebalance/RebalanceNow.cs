namespace Pipeline.Sharding.Rebalance;

/// <summary>
/// Operator command to the coordinator: run the allocation strategy's rebalance now instead of waiting for the
/// interval. With <see cref="DryRun"/> it only answers the <see cref="RebalancePlan"/> it would apply.
/// </summary>
public sealed record RebalanceNow(bool DryRun = false);
