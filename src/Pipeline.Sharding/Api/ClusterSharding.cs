using System.Collections.Concurrent;
using Pipeline.Runtime.Actors;
using Pipeline.Sharding.Allocation;
using Pipeline.Sharding.Coordinator;
using Pipeline.Sharding.Metrics;
using Pipeline.Sharding.Regions;

namespace Pipeline.Sharding.Api;

/// <summary>
/// Sharding for one actor system (an extension: <see cref="Get"/>). <see cref="Start(string, Func{string, Props}, IMessageExtractor, ClusterShardingSettings, IActorRef)"/>
/// creates the shard region of an entity type on this node, <see cref="StartProxy"/> a region that only routes,
/// <see cref="StartCoordinator"/> the coordinator of a type (until the cluster singleton hosts it). Regions are
/// system actors named <c>sharding-{typeName}</c>; the coordinator <c>sharding-{typeName}-coordinator</c>.
/// </summary>
public sealed class ClusterSharding
{
    private readonly ActorSystem _system;
    private readonly ConcurrentDictionary<string, IActorRef> _regions = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private ClusterSharding(ActorSystem system)
    {
        _system = system;
        Metrics = new ShardingMetrics(system.Name);
        system.WhenTerminated.ContinueWith(_ => Metrics.Dispose(), TaskScheduler.Default);
    }

    /// <summary>The sharding extension of <paramref name="system"/>, created on first use.</summary>
    public static ClusterSharding Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.GetOrAddExtension(static s => new ClusterSharding(s));
    }

    /// <summary>Buffer and handoff counters of every region, shard and coordinator of this system.</summary>
    public ShardingMetrics Metrics { get; }

    /// <summary>The entity types with a region or proxy on this node.</summary>
    public IReadOnlyCollection<string> ShardTypeNames => _regions.Keys.ToList();

    /// <summary>
    /// Starts the coordinator of <paramref name="typeName"/> on this node (persistence must be installed). In a
    /// cluster it will run as a singleton; regions get its ref (or a singleton proxy's).
    /// </summary>
    public IActorRef StartCoordinator(string typeName, ClusterShardingSettings? settings = null, IShardAllocationStrategy? strategy = null)
    {
        ValidateTypeName(typeName);
        return _system.SystemActorOf(ShardCoordinator.Props(typeName, settings, strategy), $"sharding-{typeName}-coordinator");
    }

    /// <summary>
    /// Starts the region of <paramref name="typeName"/> on this node, hosting entities made by
    /// <paramref name="entityProps"/> (given the entity id), coordinated by <paramref name="coordinator"/>. Calling it
    /// again for a started type returns the existing region.
    /// </summary>
    public IActorRef Start(string typeName, Func<string, Props> entityProps, IMessageExtractor extractor, ClusterShardingSettings settings, IActorRef coordinator)
    {
        ArgumentNullException.ThrowIfNull(entityProps);
        return StartRegion(typeName, entityProps, extractor, settings, coordinator);
    }

    /// <summary>Starts the region of <paramref name="typeName"/> with the same props for every entity.</summary>
    public IActorRef Start(string typeName, Props entityProps, IMessageExtractor extractor, ClusterShardingSettings settings, IActorRef coordinator)
    {
        ArgumentNullException.ThrowIfNull(entityProps);
        return StartRegion(typeName, _ => entityProps, extractor, settings, coordinator);
    }

    /// <summary>Starts the region of <paramref name="typeName"/> and its coordinator, made by <paramref name="coordinatorFactory"/> (e.g. a singleton proxy).</summary>
    public IActorRef Start(string typeName, Func<string, Props> entityProps, IMessageExtractor extractor, ClusterShardingSettings settings, Func<ActorSystem, IActorRef> coordinatorFactory)
    {
        ArgumentNullException.ThrowIfNull(coordinatorFactory);
        lock (_lock)
        {
            if (_regions.TryGetValue(typeName, out var existing)) return existing;
            return Start(typeName, entityProps, extractor, settings, coordinatorFactory(_system) ?? throw new InvalidOperationException($"The coordinator factory of {typeName} returned null."));
        }
    }

    /// <summary>Starts a proxy for <paramref name="typeName"/>: it routes to the regions that host the entities and hosts none itself.</summary>
    public IActorRef StartProxy(string typeName, IMessageExtractor extractor, IActorRef coordinator, ClusterShardingSettings? settings = null)
        => StartRegion(typeName, null, extractor, settings ?? new ClusterShardingSettings(), coordinator);

    /// <summary>The region (or proxy) of <paramref name="typeName"/> on this node; throws when none was started.</summary>
    public IActorRef ShardRegion(string typeName)
        => _regions.TryGetValue(typeName, out var region)
            ? region
            : throw new InvalidOperationException($"No shard region of type '{typeName}' was started on actor system '{_system.Name}': call ClusterSharding.Start or StartProxy first (started: {string.Join(", ", _regions.Keys)}).");

    private IActorRef StartRegion(string typeName, Func<string, Props>? entityProps, IMessageExtractor extractor, ClusterShardingSettings settings, IActorRef coordinator)
    {
        ValidateTypeName(typeName);
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(coordinator);
        lock (_lock)
        {
            if (_regions.TryGetValue(typeName, out var existing)) return existing;
            var region = _system.SystemActorOf(Regions.ShardRegion.Props(typeName, entityProps, extractor, settings, coordinator), "sharding-" + typeName);
            _regions[typeName] = region;
            return region;
        }
    }

    private static void ValidateTypeName(string typeName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        if (!ActorPath.IsValidName("sharding-" + typeName) || typeName.Contains('%'))
            throw new ArgumentException($"Invalid sharding type name '{typeName}': use letters, digits, '-' and '_' (it becomes part of actor names and persistence ids).", nameof(typeName));
    }
}
