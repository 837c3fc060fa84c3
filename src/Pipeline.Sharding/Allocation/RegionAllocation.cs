namespace Pipeline.Sharding.Allocation;

/// <summary>
/// What a strategy sees of one region: a stable id, the shards allocated to it and its latest load report (null
/// when none arrived yet). Strategies work on ids, not actor refs, so that they stay pure and testable.
/// </summary>
public sealed record RegionAllocation(string RegionId, IReadOnlyList<string> Shards, RegionLoad? Load = null);
