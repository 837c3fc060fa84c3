using Microsoft.Extensions.Logging;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Cluster.Membership.Store;
using Pipeline.Cluster.PubSub;
using Pipeline.Cluster.Remoting;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Shutdown;

namespace Pipeline.Cluster.Extension;

/// <summary>
/// The cluster for one actor system (Akka's <c>Cluster.Get(system)</c>): starts a <see cref="ClusterNode"/> with
/// the system's public address and remoting (<see cref="RemoteActorRefProvider"/>), publishes cluster events on
/// the system's event stream and to subscribed actors, and plugs into the coordinated shutdown: cluster-leave
/// leaves gracefully, cluster-exiting waits (bounded) for Exiting/Removed, cluster-shutdown stops the node.
/// A node that reads itself Down (fenced) runs the coordinated shutdown with the reason.
/// </summary>
public sealed class ClusterExtension
{
    private readonly ClusterSettings _settings;
    private readonly ILogger _log;
    private readonly IMembershipStore _store;
    private readonly bool _ownsStore;
    private readonly ClusterSubscriptions _subscriptions = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Func<CancellationToken, Task>> _handOvers = [];
    private IDisposable? _eventSubscription;
    private int _started;
    private volatile bool _fenced;

    private ClusterExtension(ActorSystem system, ClusterSettings settings)
    {
        System = system;
        _settings = settings;
        _log = system.LoggerFactory.CreateLogger("Pipeline.Cluster.ClusterExtension");
        _ownsStore = settings.Store is null;
        _store = settings.Store ?? (settings.StoreProvider == MembershipStoreProvider.Postgres
            ? new PostgresMembershipStore(settings.StoreConnectionString!, system.Name)
            : new SqliteMembershipStore(settings.StoreConnectionString!, system.Name));
        Remote = new RemoteActorRefProvider(system, system.LoggerFactory.CreateLogger("Pipeline.Cluster.Remoting"));
        Node = new ClusterNode(new ClusterNodeSettings
        {
            Transport = settings.TransportFor(system.Name),
            Membership = settings.Membership,
            FailureDetector = settings.FailureDetector,
        }, _store, Remote, system.LoggerFactory);
    }

    /// <summary>
    /// Starts the cluster for <paramref name="system"/>: listens, becomes the system's public address, joins via the
    /// store and returns once this node is Up. Throws <see cref="ArgumentException"/> for bad settings and
    /// <see cref="InvalidOperationException"/> when the system already has a cluster.
    /// </summary>
    public static async Task<ClusterExtension> StartAsync(ActorSystem system, ClusterSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var cluster = system.GetOrAddExtension(s => new ClusterExtension(s, settings));
        if (Interlocked.Exchange(ref cluster._started, 1) != 0)
            throw new InvalidOperationException($"The actor system '{system.Name}' already has a cluster ({cluster.SelfAddress}).");
        await cluster.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        return cluster;
    }

    /// <summary>The cluster of <paramref name="system"/>; throws when <see cref="StartAsync"/> was not called.</summary>
    public static ClusterExtension Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.GetExtension<ClusterExtension>()
            ?? throw new InvalidOperationException($"The actor system '{system.Name}' has no cluster: call ClusterExtension.StartAsync(system, settings) first.");
    }

    /// <summary>The settings the cluster was started with.</summary>
    public ClusterSettings Settings => _settings;

    /// <summary>The actor system this cluster belongs to.</summary>
    public ActorSystem System { get; }

    /// <summary>The node underneath (transport, membership agent).</summary>
    public ClusterNode Node { get; }

    /// <summary>Remoting: remote refs, selections and death watch.</summary>
    public RemoteActorRefProvider Remote { get; }

    /// <summary>This node's incarnation.</summary>
    public UniqueAddress SelfAddress => Node.Self;

    /// <summary>
    /// This node's publish/subscribe mediator (<see cref="TopicMediator"/>): tell it <see cref="PubSub.Subscribe"/>,
    /// <see cref="PubSub.Unsubscribe"/> and <see cref="Publish"/>; publications reach subscribers on every node.
    /// </summary>
    public IActorRef PubSubMediator { get; private set; } = null!;

    /// <summary>This node as the membership table shows it (null before it registered or after it was removed).</summary>
    public Member? SelfMember => State.Members.FirstOrDefault(m => m.Node == SelfAddress);

    /// <summary>The current cluster state (members, unreachable, oldest per role).</summary>
    public CurrentClusterState State => Node.Membership.State;

    /// <summary>The members not yet removed.</summary>
    public IReadOnlyList<Member> Members => State.Members;

    /// <summary>Completes when this node was declared Down and stops (the coordinated shutdown is running then).</summary>
    public Task<NodeFenced> Fenced => Node.Membership.Fenced;

    /// <summary>
    /// Subscribes an actor to cluster events of the given types (or their subtypes): it first receives the current
    /// state (<paramref name="initialState"/>), then every matching event. Subscribing again replaces the types.
    /// </summary>
    public void Subscribe(IActorRef subscriber, InitialStateMode initialState, params Type[] to)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(to);
        if (to.Length == 0) throw new ArgumentException("Subscribe needs at least one cluster event type (e.g. typeof(MemberEvent)).", nameof(to));
        foreach (var type in to)
            if (type is null || !typeof(ClusterEvent).IsAssignableFrom(type))
                throw new ArgumentException($"{type?.FullName ?? "null"} is not a cluster event type (a ClusterEvent subtype such as MemberUp or MemberEvent).", nameof(to));
        _subscriptions.Subscribe(Node.Membership, subscriber, initialState, to);
    }

    /// <summary>Stops sending cluster events to <paramref name="subscriber"/>.</summary>
    public void Unsubscribe(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _subscriptions.Unsubscribe(subscriber);
    }

    /// <summary>
    /// Adds work that runs while this node leaves, between Leaving and Exiting (singletons and shards hand over).
    /// </summary>
    /// <returns>Dispose it to remove the work again (e.g. when the actor that does it stops).</returns>
    public IDisposable RegisterHandOver(Func<CancellationToken, Task> handOver)
    {
        ArgumentNullException.ThrowIfNull(handOver);
        lock (_handOvers) _handOvers.Add(handOver);
        return new HandOverRegistration(this, handOver);
    }

    private sealed class HandOverRegistration(ClusterExtension cluster, Func<CancellationToken, Task> handOver) : IDisposable
    {
        public void Dispose()
        {
            lock (cluster._handOvers) cluster._handOvers.Remove(handOver);
        }
    }

    /// <summary>Leaves the cluster gracefully by running the coordinated shutdown (which terminates the actor system).</summary>
    public Task LeaveAsync() => System.CoordinatedShutdown.RunAsync(new ShutdownReason("cluster leave"));

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Node.ListenAsync(cancellationToken).ConfigureAwait(false);
            Remote.Attach(Node.Transport);
            System.RegisterRemoteProvider(Remote, RemoteActorRefProvider.ToAddress(Node.Self.Address));
            await Node.JoinAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await Node.DisposeAsync().ConfigureAwait(false);
            await DisposeStoreAsync().ConfigureAwait(false);
            throw;
        }
        _eventSubscription = Node.Membership.Subscribe(OnClusterEvent);
        PubSubMediator = System.SystemActorOf(TopicMediator.Props(), TopicMediator.Name);
        var shutdown = System.CoordinatedShutdown;
        shutdown.AddTask(CoordinatedShutdown.Phases.ClusterLeave, "cluster-leave", LeaveGracefullyAsync);
        shutdown.AddTask(CoordinatedShutdown.Phases.ClusterExiting, "wait-exiting", WaitExitingAsync);
        shutdown.AddTask(CoordinatedShutdown.Phases.ClusterShutdown, "cluster-shutdown", StopNodeAsync);
        _ = StopWhenFencedAsync();
        _log.LogInformation("Cluster node {Self} is Up; actor system address {Address}", SelfAddress, System.Address);
    }

    private void OnClusterEvent(ClusterEvent e)
    {
        Remote.OnClusterEvent(e);
        if (e is MemberEvent { Member.Node: var node } and (MemberExited or MemberRemoved) && node == SelfAddress) _exited.TrySetResult();
        if (e is not CurrentClusterState) System.EventStream.Publish(e);
    }

    private async Task StopWhenFencedAsync()
    {
        var fenced = await Node.Membership.Fenced.ConfigureAwait(false);
        _fenced = true;
        _log.LogCritical("Cluster node {Self} is fenced ({Reason}): running the coordinated shutdown so that it stops serving", SelfAddress, fenced.Reason);
        _ = System.CoordinatedShutdown.RunAsync(new ShutdownReason($"cluster node {SelfAddress} was fenced: {fenced.Reason}"));
    }

    private async Task LeaveGracefullyAsync(CancellationToken cancellationToken)
    {
        if (_fenced)
        {
            _log.LogWarning("{Self} skips the graceful leave: the cluster already declared it Down", SelfAddress);
            return;
        }
        Func<CancellationToken, Task>[] handOvers;
        lock (_handOvers) handOvers = [.. _handOvers];
        await Node.Membership.LeaveAsync(async ct =>
        {
            foreach (var handOver in handOvers) await handOver(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitExitingAsync(CancellationToken cancellationToken)
    {
        if (_fenced) return;
        try
        {
            await _exited.Task.WaitAsync(_settings.ExitingTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _log.LogWarning("{Self} did not see itself Exiting or Removed within {Timeout}; stopping anyway", SelfAddress, _settings.ExitingTimeout);
        }
    }

    private async Task StopNodeAsync(CancellationToken cancellationToken)
    {
        _subscriptions.Clear();
        _eventSubscription?.Dispose();
        await Node.DisposeAsync().ConfigureAwait(false);
        await DisposeStoreAsync().ConfigureAwait(false);
    }

    private async Task DisposeStoreAsync()
    {
        if (_ownsStore && _store is IAsyncDisposable disposable) await disposable.DisposeAsync().ConfigureAwait(false);
    }
}
