using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Pipeline.Cluster.Extension;
using Pipeline.Cluster.Singleton;
using Pipeline.Runtime.Actors;
using Pipeline.Sharding.Allocation;
using Pipeline.Sharding.Coordinator;
using Pipeline.Sharding.Metrics;
using Pipeline.Sharding.Regions;

namespace Pipeline.Sharding.Api;

/// <summary>
/// Sharding for one actor system (an extension: <see cref="Get"/>). In a cluster (the system runs
/// <see cref="ClusterExtension"/>), <see cref="Start(string, Func{string, Props}, IMessageExtractor, ClusterShardingSettings, IShardAllocationStrategy?)"/>
/// creates the shard region of an entity type on this node and the coordinator's cluster singleton manager, and
/// <see cref="StartProxy(string, IMessageExtractor, ClusterShardingSettings?)"/> a region that only routes; both reach the
/// coordinator through a cluster singleton proxy. Without a cluster, the overloads that take a coordinator ref
/// wire regions to a coordinator made with <see cref="StartCoordinator"/> (one process, several regions). Regions
/// are system actors named <c>sharding-{typeName}</c>; the coordinator <c>sharding-{typeName}-coordinator</c>
/// (in a cluster: the singleton manager of that name, with the coordinator as its child <c>singleton</c>).
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
    /// Starts the coordinator of <paramref name="typeName"/> on this node (persistence must be installed), for the
    /// one-process mode: regions get its ref. In a cluster, the cluster-mode <c>Start</c> runs it as a cluster singleton instead.
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

    /// <summary>
    /// Cluster mode: starts the region of <paramref name="typeName"/> on this node and, on every node with
    /// <see cref="ClusterShardingSettings.Role"/>, the coordinator's singleton manager (the coordinator runs on the
    /// oldest such member, persisted, and moves when that member leaves or crashes). Regions reach it through a
    /// singleton proxy. On a node without the role the region is a proxy. When the node leaves, the region hands its
    /// shards off before the coordinator is handed over. Calling it again for a started type returns the region.
    /// </summary>
    public IActorRef Start(string typeName, Func<string, Props> entityProps, IMessageExtractor extractor, ClusterShardingSettings settings, IShardAllocationStrategy? strategy = null)
    {
        ArgumentNullException.ThrowIfNull(entityProps);
        return StartInCluster(typeName, entityProps, extractor, settings, strategy);
    }

    /// <summary>Cluster mode: like <see cref="Start(string, Func{string, Props}, IMessageExtractor, ClusterShardingSettings, IShardAllocationStrategy?)"/> with the same props for every entity.</summary>
    public IActorRef Start(string typeName, Props entityProps, IMessageExtractor extractor, ClusterShardingSettings settings, IShardAllocationStrategy? strategy = null)
    {
        ArgumentNullException.ThrowIfNull(entityProps);
        return StartInCluster(typeName, _ => entityProps, extractor, settings, strategy);
    }

    /// <summary>Cluster mode: a proxy for <paramref name="typeName"/> that routes through the coordinator singleton and hosts nothing.</summary>
    public IActorRef StartProxy(string typeName, IMessageExtractor extractor, ClusterShardingSettings? settings = null)
        => StartInCluster(typeName, null, extractor, settings ?? new ClusterShardingSettings(), null);

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

    private IActorRef StartInCluster(string typeName, Func<string, Props>? entityProps, IMessageExtractor extractor, ClusterShardingSettings settings, IShardAllocationStrategy? strategy)
    {
        ValidateTypeName(typeName);
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var cluster = _system.GetExtension<ClusterExtension>() ?? throw new InvalidOperationException(
            $"Sharding of '{typeName}' without a coordinator ref needs the cluster: call ClusterExtension.StartAsync(system, settings) first, " +
            "or, in one process, pass the ref of a coordinator made with StartCoordinator.");
        lock (_lock)
        {
            if (_regions.TryGetValue(typeName, out var existing)) return existing;
            var hosts = entityProps is not null && (settings.Role is null || cluster.Settings.Membership.Roles.Contains(settings.Role, StringComparer.Ordinal));
            var singleton = (settings.CoordinatorSingletonSettings ?? new ClusterSingletonSettings()) with { Role = settings.Role, SingletonName = CoordinatorSingletonName };
            var managerName = CoordinatorName(typeName);
            var coordinator = _system.SystemActorOf(ClusterSingletonProxy.Props("/system/" + managerName, singleton), managerName + "-proxy");
            var region = _system.SystemActorOf(Regions.ShardRegion.Props(typeName, hosts ? entityProps : null, extractor, settings, coordinator), "sharding-" + typeName);
            _regions[typeName] = region;
            if (!hosts) return region;
            // Registered before the singleton manager registers its own hand-over, so on leave this region hands its
            // shards off while the coordinator (maybe on this node) still runs.
            var handOver = cluster.RegisterHandOver(ct => ShutDownRegionAsync(region, typeName, settings.HandOffTimeout, ct));
            _system.WhenTerminated.ContinueWith(_ => handOver.Dispose(), TaskScheduler.Default);
            _system.SystemActorOf(ClusterSingletonManager.Props(ShardCoordinator.Props(typeName, settings, strategy), singleton), managerName);
            return region;
        }
    }

    /// <summary>The name of the coordinator under its singleton manager (cluster mode).</summary>
    public const string CoordinatorSingletonName = "singleton";

    /// <summary>The actor name of the coordinator of <paramref name="typeName"/> (in a cluster: of its singleton manager, under /system).</summary>
    public static string CoordinatorName(string typeName) => $"sharding-{typeName}-coordinator";

    private async Task ShutDownRegionAsync(IActorRef region, string typeName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _system.SystemActorOf(RegionShutdownWatcher.Props(region, stopped));
        try
        {
            await stopped.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _system.LoggerFactory.CreateLogger<ClusterSharding>().LogWarning(
                "The region of {TypeName} did not hand off all its shards within {Timeout} while this node left; leaving anyway (the coordinator reallocates what remains)", typeName, timeout);
        }
    }

    private static void ValidateTypeName(string typeName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        if (!ActorPath.IsValidName("sharding-" + typeName) || typeName.Contains('%'))
            throw new ArgumentException($"Invalid sharding type name '{typeName}': use letters, digits, '-' and '_' (it becomes part of actor names and persistence ids).", nameof(typeName));
    }
}
