using Microsoft.Extensions.Logging;
using Pipeline.Persistence.Journal;
using Pipeline.Persistence.Snapshots;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Serialization;

namespace Pipeline.Persistence.Actors;

/// <summary>
/// An event-sourced actor (Akka's PersistentActor): commands produce events, events are persisted to the
/// journal, and the actor's state is rebuilt on start from the latest snapshot plus the events after it.
/// <list type="bullet">
/// <item><see cref="Persist{TEvent}"/> holds back new commands until the event is stored and its handler ran;
/// <see cref="PersistAsync{TEvent}"/> does not. Events persisted while handling one command are written in
/// one journal call; handlers run in persist order.</item>
/// <item>Commands that arrive during recovery wait in the mailbox and are handled after it, in order.</item>
/// <item>A failed write stops the actor (its state may be unknown: run it under a BackoffSupervisor); a
/// rejected write (e.g. a taken sequence number) calls <see cref="OnPersistRejected"/> and the actor lives on.</item>
/// <item>An event that cannot be read fails the recovery with its persistence id, sequence number and manifest;
/// the actor stops rather than continue with partial state. A journal that is down is retried with backoff.</item>
/// </list>
/// </summary>
public abstract partial class PersistentActor : ActorBase
{
    private PersistenceExtension? _persistence;
    private IStash? _commandStash;
    private readonly Queue<Invocation> _pending = new();
    private readonly List<AtomicWrite> _batch = new();
    private readonly List<object> _batchEvents = new();
    private int _pendingStashing;
    private bool _writeInFlight;
    private bool _recovering = true;
    private long _lastSequenceNr;
    private long _assignedSequenceNr;
    private int _writeToken;

    /// <summary>The id under which this actor's events are stored; stable across restarts and nodes.</summary>
    public abstract string PersistenceId { get; }

    /// <summary>Handles recovered events, <see cref="SnapshotOffer"/> and <see cref="RecoveryCompleted"/>.</summary>
    protected abstract bool ReceiveRecover(object message);

    /// <summary>Handles commands once recovery has completed.</summary>
    protected abstract bool ReceiveCommand(object message);

    /// <summary>What recovery starts from (default: the latest snapshot, then all later events).</summary>
    protected virtual Recovery Recovery => Recovery.Default;

    /// <summary>The sequence number of the last event stored (or replayed).</summary>
    public long LastSequenceNr => _lastSequenceNr;

    /// <summary>Whether the actor is still rebuilding its state.</summary>
    public bool IsRecovering => _recovering;

    /// <summary>The persistence of this system.</summary>
    protected PersistenceExtension Persistence => _persistence ??= PersistenceExtension.Get(Context.System);

    /// <inheritdoc />
    protected sealed override bool Receive(object message) => ReceiveCommand(message);

    /// <summary>Called after recovery, before the first command.</summary>
    protected virtual void OnRecoveryCompleted() { }

    /// <summary>A write failed: logged; the actor then stops (its state may be unknown).</summary>
    protected virtual void OnPersistFailure(Exception cause, object @event, long sequenceNr)
        => Persistence.Logger.LogError(cause, "{PersistenceId}: persisting {EventType} (sequence nr {SequenceNr}) failed; stopping the actor", PersistenceId, @event.GetType().Name, sequenceNr);

    /// <summary>A write was rejected by the journal: logged; the actor lives on and the handler is not called.</summary>
    protected virtual void OnPersistRejected(Exception cause, object @event, long sequenceNr)
        => Persistence.Logger.LogWarning(cause, "{PersistenceId}: persisting {EventType} (sequence nr {SequenceNr}) was rejected", PersistenceId, @event.GetType().Name, sequenceNr);

    /// <summary>Recovery failed for good: logged; the actor then stops.</summary>
    protected virtual void OnRecoveryFailure(Exception cause)
        => Persistence.Logger.LogError(cause, "{PersistenceId}: recovery failed; stopping the actor", PersistenceId);

    // ---- persisting --------------------------------------------------------------------------------------

    /// <summary>Persists an event (with optional tags for queries); new commands wait until it is stored and
    /// <paramref name="handler"/> ran.</summary>
    protected void Persist<TEvent>(TEvent @event, Action<TEvent> handler, IReadOnlyList<string>? tags = null) where TEvent : notnull
        => Enqueue([tags is null ? @event : new Tagged(@event, tags)], handler, stashing: true);

    /// <summary>Persists events in one atomic write; new commands wait until all handlers ran.</summary>
    protected void PersistAll<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler) where TEvent : notnull
        => Enqueue(events.Cast<object>().ToArray(), handler, stashing: true);

    /// <summary>Persists an event (with optional tags); commands keep flowing, <paramref name="handler"/> runs once it is stored.</summary>
    protected void PersistAsync<TEvent>(TEvent @event, Action<TEvent> handler, IReadOnlyList<string>? tags = null) where TEvent : notnull
        => Enqueue([tags is null ? @event : new Tagged(@event, tags)], handler, stashing: false);

    /// <summary>Persists events in one atomic write without holding back commands.</summary>
    protected void PersistAllAsync<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler) where TEvent : notnull
        => Enqueue(events.Cast<object>().ToArray(), handler, stashing: false);

    /// <summary>Runs <paramref name="handler"/> after every handler of the events persisted before it (nothing is stored); commands wait.</summary>
    protected void Defer<T>(T value, Action<T> handler) where T : notnull => EnqueueDefer(value, handler, stashing: true);

    /// <summary>Like <see cref="Defer{T}"/> without holding back commands.</summary>
    protected void DeferAsync<T>(T value, Action<T> handler) where T : notnull => EnqueueDefer(value, handler, stashing: false);

    private void Enqueue<TEvent>(object[] events, Action<TEvent> handler, bool stashing)
    {
        if (_recovering) throw new InvalidOperationException($"{PersistenceId}: cannot persist while recovering.");
        ArgumentNullException.ThrowIfNull(handler);
        if (events.Length == 0) return;
        var reprs = new PersistentRepr[events.Length];
        for (var i = 0; i < events.Length; i++)
        {
            reprs[i] = ToRepr(events[i], ++_assignedSequenceNr);
            // The handler sees the event as given; a Tagged wrapper passed explicitly stays a Tagged.
            var given = events[i] is Tagged { Payload: TEvent inner } ? inner : events[i];
            _pending.Enqueue(new Invocation(given, o => handler((TEvent)o), stashing, IsDefer: false, Sender));
            if (stashing) _pendingStashing++;
        }
        _batch.Add(new AtomicWrite(reprs));
        _batchEvents.AddRange(events);
    }

    private void EnqueueDefer<T>(T value, Action<T> handler, bool stashing)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_pending.Count == 0 && _batch.Count == 0)
        {
            handler(value);
            return;
        }
        _pending.Enqueue(new Invocation(value!, o => handler((T)o), stashing, IsDefer: true, Sender));
        if (stashing) _pendingStashing++;
    }

    private PersistentRepr ToRepr(object @event, long sequenceNr)
    {
        IReadOnlyList<string> tags = [];
        if (@event is Tagged tagged)
        {
            tags = tagged.Tags;
            @event = tagged.Payload;
        }
        var payload = Context.System.Serialization.Serialize(@event);
        return new PersistentRepr(PersistenceId, sequenceNr, payload.Bytes, payload.SerializerId, payload.Manifest,
            Persistence.WriterId, tags, Context.System.TimeProvider.GetUtcNow());
    }

    private static object Unwrap(object @event) => @event is Tagged t ? t.Payload : @event;

    /// <inheritdoc />
    protected override bool AroundReceive(object message)
    {
        if (message is WriteCompleted completed)
        {
            OnWriteCompleted(completed);
            return true;
        }
        if (_pendingStashing > 0)
        {
            (_commandStash ??= CreateStash(Persistence.Settings.CommandStashCapacity)).Stash();
            return true;
        }
        var handled = ReceiveWithBehavior(message);
        FlushBatch();
        return handled;
    }

    private void FlushBatch()
    {
        if (_writeInFlight || _batch.Count == 0) return;
        var writes = _batch.ToArray();
        var events = _batchEvents.ToArray();
        _batch.Clear();
        _batchEvents.Clear();
        _writeInFlight = true;
        var token = ++_writeToken;
        var self = Self;
        var journal = Persistence.Journal;
        _ = WriteAsync(journal, writes, events, token, self);
    }

    private static async Task WriteAsync(IJournal journal, AtomicWrite[] writes, object[] events, int token, IActorRef self)
    {
        try
        {
            var results = await journal.WriteAsync(writes).ConfigureAwait(false);
            self.Tell(new WriteCompleted(token, writes, events, results, null), self);
        }
        catch (Exception e)
        {
            self.Tell(new WriteCompleted(token, writes, events, null, e), self);
        }
    }

    private void OnWriteCompleted(WriteCompleted completed)
    {
        if (completed.Token != _writeToken) return; // from an incarnation before a restart
        _writeInFlight = false;
        var eventIndex = 0;
        for (var w = 0; w < completed.Writes.Length; w++)
        {
            var write = completed.Writes[w];
            var result = completed.Results?[w];
            foreach (var repr in write.Events)
            {
                var original = completed.Events[eventIndex++];
                RunDeferredAtHead();
                var invocation = _pending.Dequeue();
                if (invocation.Stashing) _pendingStashing--;
                if (completed.Failure is { } failure)
                {
                    OnPersistFailure(failure, Unwrap(original), repr.SequenceNr);
                    continue;
                }
                if (result is { IsSuccess: false } rejected)
                {
                    OnPersistRejected(new PersistRejectedException(rejected.Message ?? "rejected by the journal"), Unwrap(original), repr.SequenceNr);
                    continue;
                }
                _lastSequenceNr = repr.SequenceNr;
                RunWithSender(invocation.Sender, () => invocation.Handler(invocation.Event));
            }
            RunDeferredAtHead();
        }
        if (completed.Failure is not null)
        {
            Context.Stop(Self);
            return;
        }
        if (_pendingStashing == 0) _commandStash?.UnstashAll();
        FlushBatch();
    }

    private void RunDeferredAtHead()
    {
        while (_pending.Count > 0 && _pending.Peek().IsDefer)
        {
            var d = _pending.Dequeue();
            if (d.Stashing) _pendingStashing--;
            RunWithSender(d.Sender, () => d.Handler(d.Event));
        }
    }

    // ---- lifecycle ---------------------------------------------------------------------------------------

    /// <inheritdoc />
    protected override void AroundPreStart()
    {
        base.AroundPreStart();
        StartRecovery();
    }

    /// <inheritdoc />
    protected override void AroundPreRestart(Exception reason, object? message)
    {
        _commandStash?.UnstashAll();
        ResetState();
        base.AroundPreRestart(reason, message);
    }

    /// <inheritdoc />
    protected override void AroundPostRestart(Exception reason)
    {
        base.AroundPostRestart(reason);
        StartRecovery();
    }

    /// <inheritdoc />
    protected override void AroundPostStop()
    {
        ResetState();
        base.AroundPostStop();
    }

    private void ResetState()
    {
        _pending.Clear();
        _batch.Clear();
        _batchEvents.Clear();
        _pendingStashing = 0;
        _writeInFlight = false;
        _writeToken++;
    }

    private sealed record Invocation(object Event, Action<object> Handler, bool Stashing, bool IsDefer, IActorRef Sender);

    private sealed record WriteCompleted(int Token, AtomicWrite[] Writes, object[] Events, IReadOnlyList<WriteResult>? Results, Exception? Failure)
        : INoSerializationVerificationNeeded;
}
