namespace Pipeline.Cluster.Membership.Events;

/// <summary>
/// This node read itself Down (or Removed, or missing) in the table: the others consider it dead, so the host
/// must stop serving now (fencing: a partitioned minority never keeps working).
/// </summary>
/// <param name="Self">This node's row (null when it disappeared from the table).</param>
/// <param name="Reason">Why, in words for the log.</param>
public sealed record NodeFenced(Member? Self, string Reason) : ClusterEvent;
