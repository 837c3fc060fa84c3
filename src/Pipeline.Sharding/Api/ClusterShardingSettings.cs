using Pipeline.Cluster.Singleton;
using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Api;

/// <summary>
/// How a sharded type behaves: handoff, rebalance, buffering, passivation and remember-entities. Defaults follow
/// Akka.Cluster.Sharding's; <see cref="Validate"/> runs at start and names the offending setting.
/// </summary>
public sealed record ClusterShardingSettings
{
    /// <summary>Start entities that were running again after a rebalance or a crash (stored per shard with Pipeline.Persistence).</summary>
    public bool RememberEntities { get; init; }

    /// <summary>What an entity receives when it must stop for a handoff or passivation (default PoisonPill).</summary>
    public object HandOffStopMessage { get; init; } = PoisonPill.Instance;

    /// <summary>Coordinator side: a handoff not finished after this long is completed by force (logged).</summary>
    public TimeSpan HandOffTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Shard side: entities that ignore the stop message this long are stopped hard (logged). Must be below <see cref="HandOffTimeout"/>.</summary>
    public TimeSpan EntityStopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the coordinator asks its allocation strategy for a rebalance (null: only manual rebalances).</summary>
    public TimeSpan? RebalanceInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a region retries registration and shard-home requests that got no answer.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Most messages a region (and a shard) holds while shard homes are unknown or in handoff; more are dead-lettered and counted.</summary>
    public int BufferSize { get; init; } = 100_000;

    /// <summary>Entities that received nothing this long are passivated (null: never).</summary>
    public TimeSpan? PassivationIdleTimeout { get; init; }

    /// <summary>Most active entities per region; beyond it the least recently used are passivated (null: no limit).</summary>
    public int? MaxActiveEntitiesPerRegion { get; init; }

    /// <summary>With remember-entities, an entity that stopped without passivating is started again after this pause.</summary>
    public TimeSpan EntityRestartBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The coordinator (and each remember-entities store) saves a snapshot after this many events.</summary>
    public int SnapshotAfter { get; init; } = 100;

    /// <summary>How often a region reports its load (entities, message rate, capacity) to the coordinator.</summary>
    public TimeSpan LoadReportInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a region waits for its shards' answers to a state or stats query (missing shards are left out).</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>This region's relative capacity for the load-aware strategy (e.g. 4 on a GPU node, 1 elsewhere).</summary>
    public double RegionCapacity { get; init; } = 1.0;

    /// <summary>
    /// Cluster mode: only members with this role host regions of the type and its coordinator singleton (null: any
    /// member). On a node without the role, <c>ClusterSharding.Start</c> starts a proxy.
    /// </summary>
    public string? Role { get; init; }

    /// <summary>
    /// Cluster mode: settings of the coordinator's singleton manager and proxy (hand-over timeout, identify
    /// interval, membership staleness); their role is always <see cref="Role"/>. Null: the singleton defaults.
    /// </summary>
    public ClusterSingletonSettings? CoordinatorSingletonSettings { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting and how to fix it.</summary>
    public ClusterShardingSettings Validate()
    {
        ArgumentNullException.ThrowIfNull(HandOffStopMessage, nameof(HandOffStopMessage));
        Positive(HandOffTimeout, nameof(HandOffTimeout));
        Positive(EntityStopTimeout, nameof(EntityStopTimeout));
        if (EntityStopTimeout >= HandOffTimeout)
            throw new ArgumentException($"EntityStopTimeout ({EntityStopTimeout}) must be below HandOffTimeout ({HandOffTimeout}) so that shards finish their own forced stop before the coordinator forces the handoff.", nameof(EntityStopTimeout));
        if (RebalanceInterval is { } r) Positive(r, nameof(RebalanceInterval));
        Positive(RetryInterval, nameof(RetryInterval));
        Positive(EntityRestartBackoff, nameof(EntityRestartBackoff));
        Positive(LoadReportInterval, nameof(LoadReportInterval));
        Positive(QueryTimeout, nameof(QueryTimeout));
        if (PassivationIdleTimeout is { } idle) Positive(idle, nameof(PassivationIdleTimeout));
        if (BufferSize < 1) throw new ArgumentException($"BufferSize must be at least 1 (got {BufferSize}).", nameof(BufferSize));
        if (MaxActiveEntitiesPerRegion is < 1) throw new ArgumentException($"MaxActiveEntitiesPerRegion must be at least 1 or null for no limit (got {MaxActiveEntitiesPerRegion}).", nameof(MaxActiveEntitiesPerRegion));
        if (SnapshotAfter < 1) throw new ArgumentException($"SnapshotAfter must be at least 1 (got {SnapshotAfter}).", nameof(SnapshotAfter));
        if (Role is not null && string.IsNullOrWhiteSpace(Role)) throw new ArgumentException("Role is blank: use null for any member, or a role name.", nameof(Role));
        CoordinatorSingletonSettings?.Validate();
        if (!(RegionCapacity > 0) || double.IsInfinity(RegionCapacity)) throw new ArgumentException($"RegionCapacity must be a positive finite number (got {RegionCapacity}).", nameof(RegionCapacity));
        return this;
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero) throw new ArgumentException($"{name} must be positive (got {value}).", name);
    }
}
