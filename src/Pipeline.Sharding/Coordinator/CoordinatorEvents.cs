using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Coordinator;

/// <summary>
/// What the coordinator persists: region membership and shard allocation as events, plus a snapshot of both,
/// so that a coordinator started elsewhere recovers the allocation instead of rebuilding it.
/// </summary>
public static class CoordinatorEvents
{
    /// <summary>A region registered.</summary>
    public sealed record RegionRegistered(IActorRef Region);

    /// <summary>A proxy registered.</summary>
    public sealed record ProxyRegistered(IActorRef Proxy);

    /// <summary>A region stopped or was lost; its shards are unallocated.</summary>
    public sealed record RegionTerminated(IActorRef Region);

    /// <summary>A proxy stopped or was lost.</summary>
    public sealed record ProxyTerminated(IActorRef Proxy);

    /// <summary>A shard was allocated to a region.</summary>
    public sealed record ShardHomeAllocated(string ShardId, IActorRef Region);

    /// <summary>A shard was taken from its region (handoff done).</summary>
    public sealed record ShardHomeDeallocated(string ShardId);

    /// <summary>The whole state at once.</summary>
    public sealed record Snapshot(IReadOnlyList<IActorRef> Regions, IReadOnlyList<IActorRef> Proxies, IReadOnlyList<ShardHomeAllocated> Shards);
}
