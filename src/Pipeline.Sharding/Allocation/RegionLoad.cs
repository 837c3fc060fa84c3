namespace Pipeline.Sharding.Allocation;

/// <summary>
/// A region's load report: its capacity signal (relative, e.g. 4 on a GPU node) and the load of each shard it
/// hosts. Regions send it periodically; the load-aware strategy weighs it.
/// </summary>
public sealed record RegionLoad(double Capacity, IReadOnlyList<ShardLoad> Shards)
{
    /// <summary>Entities over all shards.</summary>
    public int Entities => Shards.Sum(s => s.Entities);

    /// <summary>Message rate over all shards.</summary>
    public double MessagesPerSecond => Shards.Sum(s => s.MessagesPerSecond);
}
