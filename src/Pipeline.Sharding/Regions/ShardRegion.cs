using Microsoft.Extensions.Logging;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Scheduling;
using Pipeline.Sharding.Allocation;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Internal;
using Pipeline.Sharding.Metrics;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.Shards;
using static Pipeline.Sharding.Coordinator.CoordinatorProtocol;
using static Pipeline.Sharding.Handoff.HandOffProtocol;
using static Pipeline.Sharding.Shards.ShardProtocol;

namespace Pipeline.Sharding.Regions;

/// <summary>
/// The entry point of one entity type on one node. Routes every message by shard: to its own shard actors, or to
/// the region that owns the shard (through plain actor refs, so that remote regions work the same). While a
/// shard's home is unknown, or the shard is handing off, its messages wait in a bounded buffer (overflow is
/// dead-lettered and counted) and flush in order once the home is known. A proxy region (no entity props) routes
/// only. Registration and shard-home requests are retried every <c>RetryInterval</c> until answered.
/// </summary>
public sealed class ShardRegion : ActorBase
{
    private sealed record RetryTick : INoSerializationVerificationNeeded;

    private sealed record LoadTick : INoSerializationVerificationNeeded;

    private sealed class LocalShard(IActorRef actor)
    {
        public IActorRef Actor { get; } = actor;
        public long Messages;
        public long MessagesAtLastReport;
        public int Entities;
    }

    private readonly string _typeName;
    private readonly Func<string, Props>? _entityProps;
    private readonly IMessageExtractor _extractor;
    private readonly ClusterShardingSettings _settings;
    private readonly IActorRef _coordinator;
    private readonly Dictionary<string, IActorRef> _homes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LocalShard> _local = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _shardByActor = new();
    private readonly HashSet<string> _handingOff = new(StringComparer.Ordinal);
    private readonly HashSet<IActorRef> _watchedRegions = new();
    private readonly ShardBuffers _buffers;
    private ShardingMetrics _metrics = null!;
    private IActorRef? _coordinatorInstance;
    private ICancelable? _retryTimer;
    private ICancelable? _loadTimer;
    private long _lastLoadReport;
    private long _shardIncarnation;
    private bool _leaving;
    private long _bufferedTotal;
    private long _droppedTotal;

    private ShardRegion(string typeName, Func<string, Props>? entityProps, IMessageExtractor extractor, ClusterShardingSettings settings, IActorRef coordinator)
    {
        _typeName = typeName;
        _entityProps = entityProps;
        _extractor = extractor;
        _settings = settings;
        _coordinator = coordinator;
        _buffers = new ShardBuffers(settings.BufferSize);
    }

    /// <summary>
    /// Props of a region that hosts entities (<paramref name="entityProps"/> given) or of a proxy (null). Several
    /// regions of one type can live in one actor system (each standing for a node), which is how tests simulate a cluster.
    /// </summary>
    public static Props Props(string typeName, Func<string, Props>? entityProps, IMessageExtractor extractor, ClusterShardingSettings settings, IActorRef coordinator)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(coordinator);
        var s = (settings ?? throw new ArgumentNullException(nameof(settings))).Validate();
        return Runtime.Actors.Props.Create(() => new ShardRegion(typeName, entityProps, extractor, s, coordinator));
    }

    private bool IsProxy => _entityProps is null;

    private IActorRef Coordinator => _coordinatorInstance ?? _coordinator;

    /// <inheritdoc />
    protected override void PreStart()
    {
        _metrics = ClusterSharding.Get(Context.System).Metrics;
        Register();
        _retryTimer = Context.System.Scheduler.ScheduleTellRepeatedly(_settings.RetryInterval, _settings.RetryInterval, Self, new RetryTick(), Self);
        if (!IsProxy)
        {
            _lastLoadReport = Context.System.TimeProvider.GetTimestamp();
            _loadTimer = Context.System.Scheduler.ScheduleTellRepeatedly(_settings.LoadReportInterval, _settings.LoadReportInterval, Self, new LoadTick(), Self);
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _retryTimer?.Cancel();
        _loadTimer?.Cancel();
        foreach (var (message, sender) in _buffers.TakeAll()) Context.System.DeadLetters.Tell(message, sender);
    }

    private void Register()
    {
        object register = IsProxy ? new RegisterProxy(Self) : new Register(Self);
        _coordinator.Tell(register, Self);
    }

    /// <inheritdoc />
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case RegisterAck ack: OnRegisterAck(ack.Coordinator); return true;
            case ShardHome home: OnShardHome(home.ShardId, home.Region); return true;
            case BeginHandOff begin: OnBeginHandOff(begin); return true;
            case BeginHandOffAck ack:
                Coordinator.Tell(ack, Self); // relayed: it travelled behind what that region forwarded to us
                return true;
            case HandOff h: OnHandOff(h.ShardId); return true;
            case ShardUnallocated u:
                _handingOff.Remove(u.ShardId);
                MaybeStopLeaving();
                return true;
            case HandOffCompleted c: OnHandOffCompleted(c); return true;
            case Terminated t: OnTerminated(t.ActorRef); return true;
            case RetryTick: OnRetry(); return true;
            case LoadTick: ReportLoad(); return true;
            case ShardStats s:
                if (_local.TryGetValue(s.ShardId, out var ls)) ls.Entities = s.Entities;
                return true;
            case GracefulShutdown: OnGracefulShutdown(); return true;
            case GetShardRegionState:
                // Read now, on the region's turn: the aggregator's callback runs on another actor.
                var (bufferedNow, bufferedTotal, droppedTotal) = (_buffers.Count, _bufferedTotal, _droppedTotal);
                Context.ActorOf(ReplyAggregator<ShardState>.Props(_local.Values.Select(l => l.Actor).ToList(), new GetShardRegionState(), _settings.QueryTimeout,
                    states => new ShardRegionState(states.OrderBy(s => s.ShardId, StringComparer.Ordinal).ToList(), bufferedNow, bufferedTotal, droppedTotal), Sender));
                return true;
            case GetShardRegionStats:
                var self = Self;
                Context.ActorOf(ReplyAggregator<ShardStats>.Props(_local.Values.Select(l => l.Actor).ToList(), new GetShardStats(), _settings.QueryTimeout,
                    stats => new ShardRegionStats(self, stats.ToDictionary(s => s.ShardId, s => s.Entities, StringComparer.Ordinal)), Sender));
                return true;
            case GetEntityLocation q: OnGetEntityLocation(q); return true;
            case GetCurrentRegions or GetClusterShardingStats or GetShardAllocations or Rebalance.MoveShard or Rebalance.RebalanceNow:
                Coordinator.Tell(message, Sender);
                return true;
            case Rebalance.ShardingCommandFailed f:
                Context.Log.LogWarning("Region {Region}: the coordinator refused {Command}: {Reason}", Self.Path, f.Command, f.Reason);
                return true;
            default:
                Deliver(message, Sender);
                return true;
        }
    }

    // ---- routing -----------------------------------------------------------------------------------------

    private void Deliver(object message, IActorRef sender)
    {
        if (!MessageRouting.TryExtract(_extractor, message, out _, out var shardId, out _))
        {
            Context.Log.LogWarning("Region {Region} of {TypeName}: no entity id for a {Type}; dead-lettered (wrap it in a ShardingEnvelope or teach the extractor)", Self.Path, _typeName, message.GetType().Name);
            Context.System.DeadLetters.Tell(message, sender);
            return;
        }
        if (_handingOff.Count > 0 && _handingOff.Contains(shardId))
        {
            Buffer(shardId, message, sender, askHome: false);
            return;
        }
        // Hot path: a running local shard is routable (a shard in handoff was caught above).
        if (_local.TryGetValue(shardId, out var local))
        {
            local.Messages++;
            local.Actor.Tell(message, sender);
            return;
        }
        if (_homes.TryGetValue(shardId, out var home))
        {
            if (ReferenceEquals(home, Self) || home.Equals(Self)) DeliverLocal(shardId, message, sender);
            else home.Tell(message, sender);
            return;
        }
        Buffer(shardId, message, sender, askHome: true);
    }

    private void DeliverLocal(string shardId, object message, IActorRef sender)
    {
        var shard = _local.TryGetValue(shardId, out var existing) ? existing : StartShard(shardId);
        if (shard is null)
        {
            Buffer(shardId, message, sender, askHome: true);
            return;
        }
        shard.Messages++;
        shard.Actor.Tell(message, sender);
    }

    private void Buffer(string shardId, object message, IActorRef sender, bool askHome)
    {
        if (_buffers.IsFull)
        {
            _droppedTotal++;
            _metrics.Dropped();
            Context.Log.LogWarning("Region {Region} of {TypeName}: buffer full ({Size} messages), dead-lettering a {Type} for shard {Shard}", Self.Path, _typeName, _settings.BufferSize, message.GetType().Name, shardId);
            Context.System.DeadLetters.Tell(message, sender);
            return;
        }
        _bufferedTotal++;
        _metrics.Buffered();
        if (_buffers.Add(shardId, message, sender) && askHome) Coordinator.Tell(new GetShardHome(shardId), Self);
    }

    private void Flush(string shardId)
    {
        foreach (var (message, sender) in _buffers.Take(shardId)) Deliver(message, sender);
    }

    private LocalShard? StartShard(string shardId)
    {
        if (IsProxy) return null;
        var name = MessageRouting.ChildName(shardId);
        if (Context.Child(name) is not null) name += "~" + (++_shardIncarnation).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var actor = Context.Watch(Context.ActorOf(Shard.Props(_typeName, shardId, _entityProps!, _extractor, _settings, 0), name));
        var shard = new LocalShard(actor);
        _local[shardId] = shard;
        _shardByActor[actor] = shardId;
        UpdateLimits();
        return shard;
    }

    private void UpdateLimits()
    {
        if (_settings.MaxActiveEntitiesPerRegion is not { } max || _local.Count == 0) return;
        var share = Math.Max(1, max / _local.Count);
        foreach (var s in _local.Values) s.Actor.Tell(new SetEntityLimit(share), Self);
    }

    // ---- coordinator protocol ----------------------------------------------------------------------------

    private void OnRegisterAck(IActorRef coordinator)
    {
        if (!coordinator.Equals(_coordinatorInstance))
        {
            if (_coordinatorInstance is not null) Context.Unwatch(_coordinatorInstance);
            _coordinatorInstance = coordinator;
            Context.Watch(coordinator);
        }
        foreach (var shardId in _buffers.Shards.ToList()) Coordinator.Tell(new GetShardHome(shardId), Self);
        if (_leaving) Coordinator.Tell(new GracefulShutdownRequest(Self), Self);
    }

    private void OnShardHome(string shardId, IActorRef home)
    {
        if (_handingOff.Remove(shardId)) Context.Log.LogDebug("Region {Region}: shard {Shard} lives in {Home} after a handoff (messages buffered: {Buffered})", Self.Path, shardId, home.Path, _buffers.Has(shardId));
        if (_local.TryGetValue(shardId, out var stale) && !home.Equals(Self))
        {
            // The coordinator completed a handoff by force (or recovered another view) while our shard still runs:
            // stop the local copy hard rather than ever run two.
            Context.Log.LogWarning("Region {Region} of {TypeName}: shard {Shard} now lives in {Home}; stopping the local copy by force", Self.Path, _typeName, shardId, home.Path);
            _local.Remove(shardId);
            _shardByActor.Remove(stale.Actor);
            Context.Stop(stale.Actor);
        }
        _homes[shardId] = home;
        if (home.Equals(Self))
        {
            if (!_local.ContainsKey(shardId)) StartShard(shardId);
        }
        else if (_watchedRegions.Add(home))
        {
            Context.Watch(home);
        }
        Flush(shardId);
        MaybeStopLeaving();
    }

    private void OnBeginHandOff(BeginHandOff begin)
    {
        if (begin.Owner.Equals(Self))
        {
            Sender.Tell(new BeginHandOffAck(begin.ShardId, Self), Self);
            return;
        }
        Context.Log.LogDebug("Region {Region}: BeginHandOff of shard {Shard}", Self.Path, begin.ShardId);
        _homes.Remove(begin.ShardId);
        _handingOff.Add(begin.ShardId);
        begin.Owner.Tell(new BeginHandOffAck(begin.ShardId, Self), Self);
    }

    private void OnHandOff(string shardId)
    {
        Context.Log.LogDebug("Region {Region}: HandOff of shard {Shard}", Self.Path, shardId);
        _homes.Remove(shardId);
        _handingOff.Add(shardId);
        if (_local.TryGetValue(shardId, out var shard)) shard.Actor.Tell(new HandOff(shardId), Self);
        else Coordinator.Tell(new ShardStopped(shardId), Self);
    }

    private void OnHandOffCompleted(HandOffCompleted c)
    {
        if (!_local.TryGetValue(c.ShardId, out var shard) || !shard.Actor.Equals(Sender)) return;
        _local.Remove(c.ShardId);
        _shardByActor.Remove(shard.Actor);
        _buffers.Prepend(c.ShardId, c.Leftovers);
        Context.Log.LogDebug("Region {Region}: shard {Shard} stopped ({Leftovers} leftovers); telling the coordinator", Self.Path, c.ShardId, c.Leftovers.Count);
        UpdateLimits();
        Coordinator.Tell(new ShardStopped(c.ShardId), Self);
        MaybeStopLeaving();
    }

    private void OnTerminated(IActorRef actor)
    {
        if (_shardByActor.Remove(actor, out var shardId))
        {
            // A shard stops by itself only after a handoff; anything else is a failure: forget the home and ask again.
            _local.Remove(shardId);
            _homes.Remove(shardId);
            UpdateLimits();
            if (_handingOff.Contains(shardId)) Coordinator.Tell(new ShardStopped(shardId), Self);
            else if (_buffers.Has(shardId)) Coordinator.Tell(new GetShardHome(shardId), Self);
            MaybeStopLeaving();
            return;
        }
        if (actor.Equals(_coordinatorInstance))
        {
            Context.Log.LogWarning("Region {Region} of {TypeName}: the coordinator {Coordinator} terminated; registering again", Self.Path, _typeName, actor.Path);
            _coordinatorInstance = null;
            Register();
            return;
        }
        if (_watchedRegions.Remove(actor))
        {
            foreach (var s in _homes.Where(kv => kv.Value.Equals(actor)).Select(kv => kv.Key).ToList()) _homes.Remove(s);
        }
    }

    private void OnRetry()
    {
        if (_coordinatorInstance is null) Register();
        foreach (var shardId in _buffers.Shards.ToList()) Coordinator.Tell(new GetShardHome(shardId), Self);
        if (_leaving) Coordinator.Tell(new GracefulShutdownRequest(Self), Self);
    }

    private void ReportLoad()
    {
        var tp = Context.System.TimeProvider;
        var now = tp.GetTimestamp();
        var seconds = Math.Max(tp.GetElapsedTime(_lastLoadReport, now).TotalSeconds, 1e-3);
        _lastLoadReport = now;
        var shards = new List<ShardLoad>(_local.Count);
        foreach (var (id, s) in _local)
        {
            shards.Add(new ShardLoad(id, s.Entities, (s.Messages - s.MessagesAtLastReport) / seconds));
            s.MessagesAtLastReport = s.Messages;
            s.Actor.Tell(new GetShardStats(), Self);
        }
        if (_coordinatorInstance is not null) Coordinator.Tell(new RegionLoadReport(Self, new RegionLoad(_settings.RegionCapacity, shards)), Self);
    }

    private void OnGetEntityLocation(GetEntityLocation q)
    {
        var shardId = _extractor.ShardId(q.EntityId, null);
        if (_homes.TryGetValue(shardId, out var home))
        {
            if (!home.Equals(Self)) home.Tell(q, Sender);
            else if (_local.TryGetValue(shardId, out var shard)) shard.Actor.Tell(q, Sender);
            else Reply(new EntityLocation(q.EntityId, shardId, Self, null));
            return;
        }
        Reply(new EntityLocation(q.EntityId, shardId, null, null));
    }

    private void OnGracefulShutdown()
    {
        if (IsProxy)
        {
            Context.Stop(Self);
            return;
        }
        _leaving = true;
        Context.Log.LogInformation("Region {Region} of {TypeName} shuts down gracefully", Self.Path, _typeName);
        Coordinator.Tell(new GracefulShutdownRequest(Self), Self);
        MaybeStopLeaving();
    }

    private void MaybeStopLeaving()
    {
        // Shards still handing off (ours included) stop us only once the coordinator stored where they went (their
        // ShardHome, or ShardUnallocated): the coordinator may be handed over right after this region stops.
        if (!_leaving || _local.Count > 0 || _handingOff.Count > 0 || _homes.Values.Any(h => h.Equals(Self))) return;
        Context.Stop(Self);
    }
}
