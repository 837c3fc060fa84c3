namespace Pipeline.Sharding.RememberEntities;

/// <summary>What a shard's remember-entities store persists: entity started or stopped (passivated), and snapshots.</summary>
public static class RememberEntitiesEvents
{
    /// <summary>The entity runs and must be started again after a rebalance or a crash.</summary>
    public sealed record EntityStarted(string EntityId);

    /// <summary>The entity was passivated: it is no longer remembered.</summary>
    public sealed record EntityStopped(string EntityId);

    /// <summary>All remembered entities at once.</summary>
    public sealed record Snapshot(IReadOnlyList<string> EntityIds);
}
