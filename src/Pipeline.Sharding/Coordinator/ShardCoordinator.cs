using Microsoft.Extensions.Logging;
using Pipeline.Cluster.Extension;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Cluster.Remoting;
using Pipeline.Persistence.Actors;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Scheduling;
using Pipeline.Sharding.Allocation;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Handoff;
using Pipeline.Sharding.Internal;
using Pipeline.Sharding.Metrics;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.Rebalance;
using static Pipeline.Sharding.Coordinator.CoordinatorProtocol;
using static Pipeline.Sharding.Handoff.HandOffProtocol;

namespace Pipeline.Sharding.Coordinator;

/// <summary>
/// Decides where the shards of one entity type live (one per type in the cluster: a cluster singleton there).
/// Regions register and ask for shard homes; the coordinator allocates with its <see cref="IShardAllocationStrategy"/>,
/// watches the regions (a lost region's shards are reallocated at once, so remembered entities resume), rebalances
/// on an interval, when a region joins or leaves, and on operator command (<see cref="MoveShard"/>, <see cref="RebalanceNow"/>, both with dry runs)
/// through the handoff protocol, and completes a handoff by force after <c>HandOffTimeout</c>. Region membership
/// and the allocation are persisted (events + snapshots) under <c>sharding-coordinator-{typeName}</c>.
/// </summary>
public sealed class ShardCoordinator : PersistentActor
{
    private sealed record RebalanceTick : INoSerializationVerificationNeeded;

    private readonly string _typeName;
    private readonly ClusterShardingSettings _settings;
    private readonly IShardAllocationStrategy _strategy;
    private readonly CoordinatorState _state = new();
    private readonly Dictionary<IActorRef, RegionLoad> _loads = new();
    private readonly Dictionary<string, HandOffProcess> _inProgress = new(StringComparer.Ordinal);
    private readonly HashSet<IActorRef> _leaving = new();
    private readonly HashSet<string> _orphans = new(StringComparer.Ordinal);
    private ICancelable? _rebalanceTimer;
    private ClusterExtension? _cluster;
    private ShardingMetrics? _metrics;
    private int _eventsSinceSnapshot;

    private ShardCoordinator(string typeName, ClusterShardingSettings settings, IShardAllocationStrategy strategy)
    {
        _typeName = typeName;
        _settings = settings;
        _strategy = strategy;
    }

    /// <summary>Props of a coordinator for <paramref name="typeName"/> (persistence must be installed on the system).</summary>
    public static Props Props(string typeName, ClusterShardingSettings? settings = null, IShardAllocationStrategy? strategy = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        var s = (settings ?? new ClusterShardingSettings()).Validate();
        var st = strategy ?? new LeastShardAllocationStrategy();
        return Runtime.Actors.Props.Create(() => new ShardCoordinator(typeName, s, st));
    }

    /// <summary>The persistence id of the coordinator of <paramref name="typeName"/>.</summary>
    public static string PersistenceIdFor(string typeName) => "sharding-coordinator-" + typeName;

    /// <inheritdoc />
    public override string PersistenceId => PersistenceIdFor(_typeName);

    private ShardingMetrics Metrics => _metrics ??= ClusterSharding.Get(Context.System).Metrics;

    /// <inheritdoc />
    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: CoordinatorEvents.Snapshot s }:
                _state.Apply(s);
                return true;
            case RecoveryCompleted:
                return true;
            default:
                _state.Apply(message);
                return true;
        }
    }

    /// <inheritdoc />
    protected override void OnRecoveryCompleted()
    {
        foreach (var r in _state.Regions) Context.Watch(r);
        foreach (var p in _state.Proxies) Context.Watch(p);
        // In a cluster, remote death watch reports regions on nodes that went away; membership says so too, and is
        // the only word on regions recovered from the journal whose node was removed before this coordinator started.
        _cluster = Context.System.GetExtension<ClusterExtension>();
        _cluster?.Subscribe(Self, InitialStateMode.AsSnapshot, typeof(MemberRemoved));
        if (_settings.RebalanceInterval is { } interval)
            _rebalanceTimer = Context.System.Scheduler.ScheduleTellRepeatedly(interval, interval, Self, new RebalanceTick(), Self);
        Context.Log.LogInformation("Shard coordinator for {TypeName} recovered {Regions} regions and {Shards} shard allocations", _typeName, _state.Regions.Count, _state.Shards.Count);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _rebalanceTimer?.Cancel();
        _cluster?.Unsubscribe(Self);
        foreach (var p in _inProgress.Values) p.Timeout?.Cancel();
    }

    /// <inheritdoc />
    protected override bool ReceiveCommand(object message)
    {
        switch (message)
        {
            case Register r: OnRegister(r.Region, proxy: false); return true;
            case RegisterProxy p: OnRegister(p.Proxy, proxy: true); return true;
            case GetShardHome g: OnGetShardHome(g.ShardId, Sender); return true;
            case BeginHandOffAck a: OnAck(a); return true;
            case ShardStopped s:
                Context.Log.LogDebug("ShardStopped {Shard} from {Region}", s.ShardId, Sender.Path);
                if (_inProgress.TryGetValue(s.ShardId, out var done) && done.HandOffSent) Complete(done, forced: false);
                return true;
            case HandOffTimedOut t:
                if (_inProgress.TryGetValue(t.ShardId, out var late) && late.StartedAt == t.StartedAt)
                {
                    Context.Log.LogWarning("Handoff of shard {Shard} of {TypeName} from {Owner} timed out after {Timeout} while {Stage}: completing it by force",
                        t.ShardId, _typeName, late.Owner.Path, _settings.HandOffTimeout, late.Stage);
                    Complete(late, forced: true);
                }
                return true;
            case Terminated t: OnTerminated(t.ActorRef); return true;
            case CurrentClusterState state:
                var live = state.Members.Select(m => RemoteActorRefProvider.ToAddress(m.Node.Address)).ToHashSet();
                foreach (var gone in _state.Regions.Concat(_state.Proxies).Where(r => r is RemoteActorRef && !live.Contains(r.Path.Address)).ToList())
                    OnTerminated(gone);
                return true;
            case MemberRemoved removed:
                var address = RemoteActorRefProvider.ToAddress(removed.Member.Node.Address);
                foreach (var gone in _state.Regions.Concat(_state.Proxies).Where(r => r is RemoteActorRef && r.Path.Address.Equals(address)).ToList())
                    OnTerminated(gone);
                return true;
            case RebalanceTick:
                Apply(Plan());
                return true;
            case RebalanceNow now:
                var plan = Plan();
                if (!now.DryRun) Apply(plan);
                Reply(new RebalancePlan(now.DryRun, plan));
                return true;
            case MoveShard move: OnMoveShard(move); return true;
            case RegionLoadReport report:
                if (_state.IsRegion(report.Region)) _loads[report.Region] = report.Load;
                return true;
            case GracefulShutdownRequest g: OnGracefulShutdown(g.Region); return true;
            case GetCurrentRegions:
                Reply(new CurrentRegions(_state.Regions.ToList()));
                return true;
            case GetShardAllocations:
                Reply(new ShardAllocations(new Dictionary<string, IActorRef>(_state.Shards, StringComparer.Ordinal), _inProgress.Keys.Order(StringComparer.Ordinal).ToList()));
                return true;
            case GetClusterShardingStats q:
                Context.ActorOf(ReplyAggregator<ShardRegionStats>.Props(_state.Regions.ToList(), new GetShardRegionStats(), q.Timeout,
                    replies => new ClusterShardingStats(replies.ToList()), Sender));
                return true;
            case SaveSnapshotSuccess:
                return true;
            case SaveSnapshotFailure f:
                Context.Log.LogWarning(f.Cause, "Shard coordinator for {TypeName}: saving a snapshot failed (recovery replays more events)", _typeName);
                return true;
            default:
                return false;
        }
    }

    // ---- registration and allocation ---------------------------------------------------------------------

    private void OnRegister(IActorRef region, bool proxy)
    {
        var known = proxy ? _state.Proxies.Contains(region) : _state.IsRegion(region);
        if (known)
        {
            Context.Watch(region);
            region.Tell(new RegisterAck(Self), Self);
            return;
        }
        object e = proxy ? new CoordinatorEvents.ProxyRegistered(region) : new CoordinatorEvents.RegionRegistered(region);
        PersistEvent(e, () =>
        {
            Context.Watch(region);
            region.Tell(new RegisterAck(Self), Self);
            Context.Log.LogInformation("{Kind} {Region} registered for {TypeName}", proxy ? "Proxy" : "Region", region.Path, _typeName);
            if (proxy) return;
            AllocateOrphans();
            RebalanceSoon();
        });
    }

    private bool IsCandidate(IActorRef region) => !_leaving.Contains(region);

    private IActorRef? Choose(string shardId, IActorRef? requester)
    {
        var view = _state.View(IsCandidate, _loads);
        if (view.Count == 0) return null;
        var requesterId = requester is not null && _state.IsRegion(requester) ? CoordinatorState.IdOf(requester) : null;
        var id = _strategy.Allocate(requesterId, shardId, view);
        return _state.Regions.FirstOrDefault(r => CoordinatorState.IdOf(r) == id)
               ?? throw new InvalidOperationException($"Allocation strategy {_strategy.GetType().Name} returned region '{id}', which is not one of the {view.Count} candidates.");
    }

    private void OnGetShardHome(string shardId, IActorRef requester)
    {
        if (_inProgress.TryGetValue(shardId, out var moving))
        {
            if (!moving.WaitingForHome.Contains(requester)) moving.WaitingForHome.Add(requester);
            return;
        }
        if (_state.Shards.TryGetValue(shardId, out var home))
        {
            requester.Tell(new ShardHome(shardId, home), Self);
            return;
        }
        var target = Choose(shardId, requester);
        if (target is null) return; // no region yet: the requester retries
        _orphans.Remove(shardId);
        PersistEvent(new CoordinatorEvents.ShardHomeAllocated(shardId, target), () =>
        {
            requester.Tell(new ShardHome(shardId, target), Self);
            if (!target.Equals(requester)) target.Tell(new ShardHome(shardId, target), Self);
        });
    }

    private void AllocateOrphans()
    {
        foreach (var shardId in _orphans.Order(StringComparer.Ordinal).ToList())
        {
            if (_state.Shards.ContainsKey(shardId) || _inProgress.ContainsKey(shardId)) continue;
            var target = Choose(shardId, null);
            if (target is null) return;
            _orphans.Remove(shardId);
            PersistEvent(new CoordinatorEvents.ShardHomeAllocated(shardId, target), () => Broadcast(new ShardHome(shardId, target)));
        }
    }

    private void Broadcast(object message)
    {
        foreach (var r in _state.Regions) r.Tell(message, Self);
        foreach (var p in _state.Proxies) p.Tell(message, Self);
    }

    private void OnTerminated(IActorRef actor)
    {
        Context.Unwatch(actor);
        if (_state.Proxies.Contains(actor))
        {
            PersistEvent(new CoordinatorEvents.ProxyTerminated(actor), () => RemoveAcks(actor));
            return;
        }
        if (!_state.IsRegion(actor)) return;
        var lost = _state.ShardsOf(actor).ToList();
        var wasLeaving = _leaving.Remove(actor);
        _loads.Remove(actor);
        var orphaned = lost.Where(s => !_inProgress.ContainsKey(s)).ToList();
        PersistEvent(new CoordinatorEvents.RegionTerminated(actor), () =>
        {
            if (!wasLeaving) Context.Log.LogWarning("Region {Region} of {TypeName} terminated: reallocating its {Count} shards", actor.Path, _typeName, lost.Count);
            RemoveAcks(actor);
            foreach (var p in _inProgress.Values.Where(p => p.Owner.Equals(actor)).ToList()) Complete(p, forced: false);
            foreach (var p in _inProgress.Values.Where(p => actor.Equals(p.Target))) p.Target = null;
            _orphans.UnionWith(orphaned);
            AllocateOrphans();
            RebalanceSoon();
        });
    }

    private void RemoveAcks(IActorRef actor)
    {
        foreach (var p in _inProgress.Values.ToList())
            if (p.PendingAcks.Remove(actor)) AfterAck(p);
    }

    // ---- rebalance and handoff ---------------------------------------------------------------------------

    /// <summary>A node joined or left: with automatic rebalancing on, rebalance now rather than at the next interval.</summary>
    private void RebalanceSoon()
    {
        if (_settings.RebalanceInterval is not null) Self.Tell(new RebalanceTick(), Self);
    }

    private IReadOnlyList<PlannedMove> Plan()
    {
        var view = _state.View(IsCandidate, _loads);
        var moves = RebalancePlanner.Plan(_strategy, view, _inProgress.Keys.ToHashSet(StringComparer.Ordinal));
        return moves.Select(m => new PlannedMove(m.ShardId, m.FromRegionId is null ? null : RegionById(m.FromRegionId), RegionById(m.ToRegionId), m.Reason)).ToList();
    }

    private IActorRef RegionById(string id) => _state.Regions.First(r => CoordinatorState.IdOf(r) == id);

    private void Apply(IReadOnlyList<PlannedMove> plan)
    {
        foreach (var m in plan) StartHandOff(m.ShardId, m.To, m.Reason);
    }

    private void OnMoveShard(MoveShard move)
    {
        string? problem = null;
        if (string.IsNullOrEmpty(move.ShardId)) problem = "the shard id is empty";
        else if (!_state.IsRegion(move.TargetRegion)) problem = $"target {move.TargetRegion.Path} is not a registered region of {_typeName} (registered: {string.Join(", ", _state.Regions.Select(r => r.Path.ToString()))})";
        else if (_leaving.Contains(move.TargetRegion)) problem = $"target {move.TargetRegion.Path} is shutting down";
        else if (_inProgress.ContainsKey(move.ShardId)) problem = $"shard {move.ShardId} is already handing off";
        if (problem is not null)
        {
            Reply(new ShardingCommandFailed(nameof(MoveShard), problem));
            return;
        }
        _state.Shards.TryGetValue(move.ShardId, out var from);
        if (move.TargetRegion.Equals(from))
        {
            Reply(new RebalancePlan(move.DryRun, []));
            return;
        }
        var planned = new PlannedMove(move.ShardId, from, move.TargetRegion, from is null ? "manual: allocate the unallocated shard" : "manual move");
        var plan = new RebalancePlan(move.DryRun, [planned]);
        if (move.DryRun)
        {
            Reply(plan);
            return;
        }
        var replyTo = Sender;
        if (from is null)
        {
            _orphans.Remove(move.ShardId);
            PersistEvent(new CoordinatorEvents.ShardHomeAllocated(move.ShardId, move.TargetRegion), () =>
            {
                Broadcast(new ShardHome(move.ShardId, move.TargetRegion));
                replyTo.Tell(plan, Self);
            });
            return;
        }
        StartHandOff(move.ShardId, move.TargetRegion, planned.Reason);
        Reply(plan);
    }

    private void OnGracefulShutdown(IActorRef region)
    {
        if (!_state.IsRegion(region) || !_leaving.Add(region))
        {
            if (_state.IsRegion(region)) return;
            region.Tell(new ShardingCommandFailed(nameof(GracefulShutdownRequest), $"{region.Path} is not a registered region"), Self);
            return;
        }
        var shards = _state.ShardsOf(region).Where(s => !_inProgress.ContainsKey(s)).Order(StringComparer.Ordinal).ToList();
        Context.Log.LogInformation("Region {Region} of {TypeName} leaves gracefully: handing off its {Count} shards", region.Path, _typeName, shards.Count);
        foreach (var s in shards) StartHandOff(s, null, $"graceful shutdown of {region.Path}");
    }

    private void StartHandOff(string shardId, IActorRef? target, string reason)
    {
        if (_inProgress.ContainsKey(shardId) || !_state.Shards.TryGetValue(shardId, out var owner)) return;
        var acks = new HashSet<IActorRef>(_state.Regions);
        acks.UnionWith(_state.Proxies);
        var process = new HandOffProcess(shardId, owner, target, reason, acks, Context.System.TimeProvider.GetTimestamp());
        _inProgress[shardId] = process;
        process.Timeout = Context.System.Scheduler.ScheduleTellOnce(_settings.HandOffTimeout, Self, new HandOffTimedOut(shardId, process.StartedAt), Self);
        Context.Log.LogInformation("Handing off shard {Shard} of {TypeName} from {Owner} to {Target}: {Reason}", shardId, _typeName, owner.Path, target?.Path.ToString() ?? "(strategy decides)", reason);
        var begin = new BeginHandOff(shardId, owner);
        foreach (var r in acks) r.Tell(begin, Self);
    }

    private void OnAck(BeginHandOffAck ack)
    {
        if (_inProgress.TryGetValue(ack.ShardId, out var p) && p.PendingAcks.Remove(ack.Region)) AfterAck(p);
    }

    private void AfterAck(HandOffProcess p)
    {
        if (p.PendingAcks.Count > 0 || p.HandOffSent || !_inProgress.ContainsKey(p.ShardId)) return;
        p.HandOffSent = true;
        Context.Log.LogDebug("All BeginHandOff acks for shard {Shard}: sending HandOff to {Owner}", p.ShardId, p.Owner.Path);
        p.Owner.Tell(new HandOff(p.ShardId), Self);
    }

    private void Complete(HandOffProcess p, bool forced)
    {
        if (!_inProgress.Remove(p.ShardId)) return;
        p.Timeout?.Cancel();
        if (forced) Metrics.Forced();
        Metrics.HandOffCompleted();
        var shardId = p.ShardId;
        var target = p.Target is { } t && _state.IsRegion(t) && IsCandidate(t) ? t : null;
        // One stored event per move (one journal round trip in the handoff pause): ShardHomeAllocated also takes the
        // shard from its former region. The former owner is dropped in memory first, so that the strategy sees the
        // shard unallocated; the deallocation is stored only when no region can take the shard.
        var owned = _state.Shards.ContainsKey(shardId);
        if (owned) _state.Apply(new CoordinatorEvents.ShardHomeDeallocated(shardId));
        target ??= Choose(shardId, null);
        if (target is not null)
        {
            PersistEvent(new CoordinatorEvents.ShardHomeAllocated(shardId, target), () =>
            {
                Context.Log.LogDebug("Shard {Shard} stored at {Target}: broadcasting ShardHome", shardId, target.Path);
                Broadcast(new ShardHome(shardId, target));
                foreach (var w in p.WaitingForHome) w.Tell(new ShardHome(shardId, target), Self);
            });
            return;
        }
        void Orphan()
        {
            _orphans.Add(shardId);
            Context.Log.LogWarning("Shard {Shard} of {TypeName} has no region to go to: it is allocated as soon as one registers", shardId, _typeName);
            if (_state.IsRegion(p.Owner)) p.Owner.Tell(new ShardUnallocated(shardId), Self);
        }
        if (owned) PersistEvent(new CoordinatorEvents.ShardHomeDeallocated(shardId), Orphan);
        else Orphan();
    }

    // ---- persistence -------------------------------------------------------------------------------------

    /// <summary>
    /// Applies the event to the state at once (so that decisions taken later in the same message, e.g. placing
    /// several orphaned shards one after the other, see it) and runs <paramref name="then"/>'s side effects (answers,
    /// ShardHome broadcasts) only once it is stored. A failed write stops the coordinator (PersistentActor), and its
    /// successor recovers from the journal, so the in-memory state never outlives an unstored event.
    /// </summary>
    private void PersistEvent(object e, Action then)
    {
        _state.Apply(e);
        Persist(e, _ =>
        {
            if (++_eventsSinceSnapshot >= _settings.SnapshotAfter)
            {
                _eventsSinceSnapshot = 0;
                SaveSnapshot(_state.ToSnapshot());
            }
            then();
        });
    }
}
