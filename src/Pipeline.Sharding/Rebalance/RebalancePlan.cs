namespace Pipeline.Sharding.Rebalance;

/// <summary>
/// The coordinator's answer to <see cref="MoveShard"/> and <see cref="RebalanceNow"/>: the moves, and whether they
/// were only planned (<see cref="DryRun"/>) or started.
/// </summary>
public sealed record RebalancePlan(bool DryRun, IReadOnlyList<PlannedMove> Moves);
