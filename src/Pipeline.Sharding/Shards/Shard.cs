using Microsoft.Extensions.Logging;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Scheduling;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Internal;
using Pipeline.Sharding.Metrics;
using Pipeline.Sharding.Passivation;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.RememberEntities;
using static Pipeline.Sharding.Handoff.HandOffProtocol;
using static Pipeline.Sharding.RememberEntities.RememberEntitiesProtocol;
using static Pipeline.Sharding.Shards.ShardProtocol;

namespace Pipeline.Sharding.Shards;

/// <summary>
/// One shard inside its region: starts entities on demand as children (named by entity id), delivers their
/// messages in order, passivates them (on request, when idle, or least-recently-used beyond the region's limit)
/// without losing messages, remembers them (with a persistent store child), and stops them all for a handoff,
/// hard after <c>EntityStopTimeout</c>, handing back to the region the messages it still held.
/// </summary>
internal sealed class Shard : ActorBase
{
    private const string StoreName = "%remember";

    private readonly string _typeName;
    private readonly string _shardId;
    private readonly Func<string, Props> _entityProps;
    private readonly IMessageExtractor _extractor;
    private readonly ClusterShardingSettings _settings;
    private readonly Dictionary<string, EntityEntry> _entities = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, EntityEntry> _byRef = new();
    private readonly LruTracker _lru = new();
    private readonly List<(object Message, IActorRef Sender)> _leftovers = new();
    private ShardingMetrics _metrics = null!;
    private IActorRef? _store;
    private bool _ready;
    private bool _handingOff;
    private int _limit;
    private int _active;
    private int _buffered;
    private ICancelable? _idleTimer;
    private ICancelable? _stopTimer;
    private readonly bool _trackTime;

    private Shard(string typeName, string shardId, Func<string, Props> entityProps, IMessageExtractor extractor, ClusterShardingSettings settings, int limit)
    {
        _typeName = typeName;
        _shardId = shardId;
        _entityProps = entityProps;
        _extractor = extractor;
        _settings = settings;
        _limit = limit;
        _trackTime = settings.PassivationIdleTimeout is not null;
    }

    public static Props Props(string typeName, string shardId, Func<string, Props> entityProps, IMessageExtractor extractor, ClusterShardingSettings settings, int limit)
        => Runtime.Actors.Props.Create(() => new Shard(typeName, shardId, entityProps, extractor, settings, limit));

    protected override void PreStart()
    {
        _metrics = ClusterSharding.Get(Context.System).Metrics;
        if (_settings.RememberEntities)
        {
            _store = Context.Watch(Context.ActorOf(RememberEntitiesStore.Props(_typeName, _shardId, _settings.SnapshotAfter), StoreName));
            _store.Tell(new GetEntities(), Self);
        }
        else
        {
            _ready = true;
        }
        if (_settings.PassivationIdleTimeout is { } idle)
        {
            var every = TimeSpan.FromTicks(Math.Max(idle.Ticks / 2, TimeSpan.FromMilliseconds(10).Ticks));
            _idleTimer = Context.System.Scheduler.ScheduleTellRepeatedly(every, every, Self, new IdleTick(), Self);
        }
    }

    protected override void PostStop()
    {
        _idleTimer?.Cancel();
        _stopTimer?.Cancel();
    }

    protected override bool Receive(object message)
    {
        if (!_ready)
        {
            if (message is RememberedEntities remembered)
            {
                _ready = true;
                foreach (var id in remembered.EntityIds) StartRemembered(id);
                Stash.UnstashAll();
            }
            else if (message is Terminated t && t.ActorRef.Equals(_store))
            {
                throw new InvalidOperationException($"Shard {_shardId} of {_typeName}: its remember-entities store stopped while recovering (see its log).");
            }
            else
            {
                Stash.Stash();
            }
            return true;
        }
        switch (message)
        {
            case Terminated t: OnTerminated(t.ActorRef); return true;
            case Passivate p: OnPassivate(Sender, p.StopMessage); return true;
            case HandOff: BeginHandOff(); return true;
            case EntityAdded a: OnEntityAdded(a.EntityId); return true;
            case RestartEntity r: OnRestart(r.EntityId); return true;
            case IdleTick: PassivateIdle(); return true;
            case StopTimeout: ForceStop(); return true;
            case SetEntityLimit l:
                _limit = l.Limit;
                EnforceLimit(null);
                return true;
            case GetShardStats:
                Reply(new ShardStats(_shardId, _active));
                return true;
            case GetShardRegionState:
                Reply(new ShardState(_shardId, _entities.Values.Where(e => e.Status == EntityStatus.Active).Select(e => e.Id).Order(StringComparer.Ordinal).ToList()));
                return true;
            case GetEntityLocation q:
                Reply(new EntityLocation(q.EntityId, _shardId, Context.Parent,
                    _entities.TryGetValue(q.EntityId, out var found) && found.Status == EntityStatus.Active ? found.Ref : null));
                return true;
            default:
                Deliver(message, Sender);
                return true;
        }
    }

    private void Deliver(object message, IActorRef sender)
    {
        if (_handingOff)
        {
            // Keep per-entity order: behind what the entity still holds, else in arrival order.
            if (MessageRouting.TryExtractEntity(_extractor, message, out var id, out _) && _entities.TryGetValue(id, out var live)) Buffer(live, message, sender);
            else _leftovers.Add((message, sender));
            return;
        }
        if (!MessageRouting.TryExtractEntity(_extractor, message, out var entityId, out var payload))
        {
            Context.System.DeadLetters.Tell(message, sender);
            return;
        }
        if (!_entities.TryGetValue(entityId, out var e))
        {
            e = new EntityEntry(entityId);
            _entities[entityId] = e;
            if (_store is not null)
            {
                Buffer(e, message, sender);
                _store.Tell(new AddEntity(entityId), Self);
                return;
            }
            Start(e);
        }
        if (e.Status != EntityStatus.Active)
        {
            Buffer(e, message, sender);
            return;
        }
        Send(e, payload, sender);
    }

    private void Send(EntityEntry e, object payload, IActorRef sender)
    {
        if (_limit > 0) _lru.Touch(e);
        if (_trackTime) e.LastActive = Context.System.TimeProvider.GetTimestamp();
        if (payload is StartEntity)
        {
            sender.Tell(new StartEntityAck(e.Id, _shardId), Self);
            return;
        }
        e.Ref!.Tell(payload, sender);
    }

    private void Buffer(EntityEntry e, object message, IActorRef sender)
    {
        if (_buffered >= _settings.BufferSize)
        {
            _metrics.Dropped();
            Context.Log.LogWarning("Shard {Shard} of {TypeName}: buffer full ({Size}), dead-lettering a {Type} for entity {Entity}", _shardId, _typeName, _settings.BufferSize, message.GetType().Name, e.Id);
            Context.System.DeadLetters.Tell(message, sender);
            return;
        }
        _buffered++;
        _metrics.Buffered();
        e.Enqueue(message, sender);
    }

    private void Start(EntityEntry e)
    {
        var props = _entityProps(e.Id) ?? throw new InvalidOperationException($"The entity props factory of {_typeName} returned null for entity '{e.Id}'.");
        e.Ref = Context.Watch(Context.ActorOf(props, MessageRouting.ChildName(e.Id)));
        e.Status = EntityStatus.Active;
        e.LastActive = _trackTime ? Context.System.TimeProvider.GetTimestamp() : 0;
        _byRef[e.Ref] = e;
        _active++;
        if (_limit > 0)
        {
            _lru.Touch(e);
            EnforceLimit(e);
        }
        Flush(e);
    }

    private void Flush(EntityEntry e)
    {
        while (e.Status == EntityStatus.Active && e.Buffer is { Count: > 0 } buffer)
        {
            var (message, sender) = buffer.Dequeue();
            _buffered--;
            if (MessageRouting.TryExtractEntity(_extractor, message, out _, out var payload)) Send(e, payload, sender);
        }
    }

    private void StartRemembered(string id)
    {
        if (_entities.ContainsKey(id)) return;
        var e = new EntityEntry(id);
        _entities[id] = e;
        Start(e);
    }

    private void OnEntityAdded(string id)
    {
        if (_entities.TryGetValue(id, out var e) && e.Status == EntityStatus.Starting && !_handingOff) Start(e);
    }

    private void OnRestart(string id)
    {
        if (_entities.TryGetValue(id, out var e) && e.Status == EntityStatus.WaitingRestart && !_handingOff) Start(e);
    }

    private void OnPassivate(IActorRef entity, object stopMessage)
    {
        if (!_byRef.TryGetValue(entity, out var e) || e.Status != EntityStatus.Active) return;
        PassivateEntity(e, stopMessage);
    }

    private void PassivateEntity(EntityEntry e, object stopMessage)
    {
        e.Status = EntityStatus.Passivating;
        _active--;
        _lru.Remove(e);
        e.Ref!.Tell(stopMessage, Self);
    }

    private void PassivateIdle()
    {
        if (_settings.PassivationIdleTimeout is not { } idle || _handingOff) return;
        var tp = Context.System.TimeProvider;
        var now = tp.GetTimestamp();
        foreach (var e in _entities.Values.Where(e => e.Status == EntityStatus.Active && tp.GetElapsedTime(e.LastActive, now) >= idle).ToList())
            PassivateEntity(e, _settings.HandOffStopMessage);
    }

    private void EnforceLimit(EntityEntry? justStarted)
    {
        if (_limit <= 0 || _handingOff) return;
        while (_active > _limit && _lru.Oldest(justStarted) is { } oldest)
            PassivateEntity(oldest, _settings.HandOffStopMessage);
    }

    private void OnTerminated(IActorRef actor)
    {
        if (actor.Equals(_store))
        {
            _store = null;
            if (_handingOff) MaybeFinishHandOff();
            else throw new InvalidOperationException($"Shard {_shardId} of {_typeName}: its remember-entities store stopped (a persistence failure, see its log).");
            return;
        }
        if (!_byRef.Remove(actor, out var e)) return;
        e.Ref = null;
        if (_handingOff)
        {
            if (e.Status == EntityStatus.Active) _active--;
            KeepLeftovers(e);
            _entities.Remove(e.Id);
            MaybeFinishHandOff();
            return;
        }
        switch (e.Status)
        {
            case EntityStatus.Passivating when e.Buffered > 0:
                Start(e);
                break;
            case EntityStatus.Passivating:
                _entities.Remove(e.Id);
                _store?.Tell(new RemoveEntity(e.Id), Self);
                break;
            default:
                // Stopped on its own (or failed for good) without passivating.
                _active--;
                _lru.Remove(e);
                if (_store is not null)
                {
                    e.Status = EntityStatus.WaitingRestart;
                    Context.System.Scheduler.ScheduleTellOnce(_settings.EntityRestartBackoff, Self, new RestartEntity(e.Id), Self);
                }
                else if (e.Buffered > 0)
                {
                    Start(e);
                }
                else
                {
                    _entities.Remove(e.Id);
                }
                break;
        }
    }

    private void KeepLeftovers(EntityEntry e)
    {
        while (e.Buffer is { Count: > 0 } buffer)
        {
            _leftovers.Add(buffer.Dequeue());
            _buffered--;
        }
    }

    private void BeginHandOff()
    {
        if (_handingOff) return;
        _handingOff = true;
        _idleTimer?.Cancel();
        foreach (var e in _entities.Values.ToList())
        {
            if (e.Ref is null)
            {
                KeepLeftovers(e);
                _entities.Remove(e.Id);
            }
            else if (e.Status == EntityStatus.Active)
            {
                e.Ref.Tell(_settings.HandOffStopMessage, Self);
            }
        }
        _stopTimer = Context.System.Scheduler.ScheduleTellOnce(_settings.EntityStopTimeout, Self, new StopTimeout(), Self);
        MaybeFinishHandOff();
    }

    private void ForceStop()
    {
        if (!_handingOff || _byRef.Count == 0) return;
        _metrics.Forced();
        Context.Log.LogWarning("Shard {Shard} of {TypeName}: {Count} entities ignored the stop message for {Timeout}; stopping them by force", _shardId, _typeName, _byRef.Count, _settings.EntityStopTimeout);
        foreach (var entity in _byRef.Keys) Context.Stop(entity);
    }

    private void MaybeFinishHandOff()
    {
        if (_byRef.Count > 0) return;
        if (_store is not null)
        {
            _store.Tell(new StopStore(), Self);
            return;
        }
        _stopTimer?.Cancel();
        Context.Parent.Tell(new HandOffCompleted(_shardId, _leftovers.ToList()), Self);
        Context.Stop(Self);
    }
}
