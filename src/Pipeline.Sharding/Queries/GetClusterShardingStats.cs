namespace Pipeline.Sharding.Queries;

/// <summary>
/// Asks the coordinator (or a region, which forwards it) for the shards and entity counts of every region; regions
/// that do not answer within <see cref="Timeout"/> are left out. The answer is <see cref="ClusterShardingStats"/>.
/// </summary>
public sealed record GetClusterShardingStats(TimeSpan Timeout);
