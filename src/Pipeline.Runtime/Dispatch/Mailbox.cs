using System.Runtime.CompilerServices;
using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Dispatch;

/// <summary>
/// An actor's mailbox: the user-message queue, the system-message queue and a status word
/// (closed / scheduled / suspension count). It is its own thread-pool work item, so scheduling an actor
/// allocates nothing. System messages always run before user messages, and between any two of them.
/// </summary>
internal sealed class Mailbox : IThreadPoolWorkItem
{
    private const int ClosedFlag = 1;
    private const int ScheduledFlag = 2;
    private const int SuspendUnit = 4;

    // The top byte of CellState counts consecutive busy turns (written only by the thread running the mailbox).
    private const int BusyTurnsShift = 24;
    private const int BusyTurnsMask = 0x7F << BusyTurnsShift;
    private const int MaxLocalTurns = 8;

    private RareParts? _rare;
    private MpscRingQueue<Envelope> _unbounded;
    private SystemMessageQueue _system;
    private int _status;

    /// <summary>
    /// The owning cell's lifecycle flags (failed, terminating, …) in the low bits, and the count of consecutive busy
    /// turns in the top byte; read and written only by the thread running the actor. They live
    /// here, in what would otherwise be alignment padding of the mailbox, so that the cell is 8 bytes smaller.
    /// </summary>
    internal int CellState;
    private ActorCell _cell = null!;
    private MessageDispatcher _dispatcher = null!;

    /// <summary>Creates a mailbox: unbounded when <paramref name="bounded"/> is null.</summary>
    public Mailbox(BoundedMessageQueue? bounded)
    {
        if (bounded is not null) _rare = new RareParts(bounded);
    }

    /// <summary>The actor this mailbox belongs to.</summary>
    public ActorCell Cell => _cell;

    /// <summary>The dispatcher that runs this mailbox (the cell has no copy of its own: one field less per actor).</summary>
    public MessageDispatcher Dispatcher => _dispatcher;

    /// <summary>The bounded queue, or null for the unbounded mailbox.</summary>
    public BoundedMessageQueue? Bounded => _rare?.Bounded;

    /// <summary>Number of queued user messages (an estimate under concurrency).</summary>
    public int NumberOfMessages => (_rare?.Bounded?.Count ?? _unbounded.Count) + (_rare?.Prepended?.Count ?? 0);

    private bool QueueHasMessages => _rare?.Bounded?.HasMessages ?? _unbounded.HasItems;

    private bool HasPrepended => _rare?.Prepended is { Count: > 0 };

    public bool IsClosed => (Volatile.Read(ref _status) & ClosedFlag) != 0;

    public bool IsSuspended => Volatile.Read(ref _status) >= SuspendUnit;

    /// <summary>True when the mailbox is neither scheduled, running, suspended nor closed.</summary>
    internal bool IsIdle => Volatile.Read(ref _status) == 0;

    private bool ShouldProcessMessage
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (Volatile.Read(ref _status) & ~ScheduledFlag) == 0;
    }

    public void Attach(ActorCell cell, MessageDispatcher dispatcher)
    {
        _cell = cell;
        _dispatcher = dispatcher;
    }

    /// <summary>Offers a user message. The caller handles the result (dead letters, exceptions).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public EnqueueResult Post(in Envelope envelope, out Envelope evicted)
    {
        var bounded = _rare?.Bounded;
        if (bounded is null)
        {
            _unbounded.Enqueue(envelope);
            evicted = default;
            // The common case, an actor that is already scheduled, costs one plain read and no call.
            if ((Volatile.Read(ref _status) & (ClosedFlag | ScheduledFlag)) == 0)
                TrySchedule(hasMessageHint: true, hasSystemMessageHint: false);
            return EnqueueResult.Enqueued;
        }
        var result = bounded.TryEnqueue(envelope, out evicted);
        if (result is EnqueueResult.Enqueued or EnqueueResult.EnqueuedDroppedOldest)
            TrySchedule(hasMessageHint: true, hasSystemMessageHint: false);
        return result;
    }

    /// <summary>
    /// Offers a user message to an unbounded mailbox without scheduling it: true when the caller claimed the
    /// actor's next turn and must run it (<see cref="RunClaimedTurn"/>) or hand it to the dispatcher.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool PostClaiming(in Envelope envelope)
    {
        _unbounded.Enqueue(envelope);
        if ((Volatile.Read(ref _status) & (ClosedFlag | ScheduledFlag)) != 0) return false;
        return CanBeScheduled(hasMessageHint: true, hasSystemMessageHint: false) && SetAsScheduled();
    }

    /// <summary>
    /// Runs one turn of a claimed mailbox on the calling thread. True when work is left and the caller still
    /// holds the claim (run it again or hand it to the dispatcher with <see cref="Schedule"/>).
    /// </summary>
    internal bool RunClaimedTurn()
    {
        try
        {
            ProcessTurn();
        }
        finally
        {
            SetAsIdle();
        }
        if (CanBeScheduled(false, false) && SetAsScheduled()) return true;
        CellState &= ~BusyTurnsMask;
        return false;
    }

    /// <summary>Hands a claimed mailbox to its dispatcher.</summary>
    internal void Schedule() => _dispatcher.Execute(this);

    /// <summary>
    /// Claims the next turn of an idle, unbounded mailbox with nothing queued, for a batch that keeps the messages
    /// it delivers itself (<see cref="RunPendingTurn"/>) instead of queueing them: true when claimed.
    /// </summary>
    internal bool TryClaimEmpty()
    {
        if (Volatile.Read(ref _status) != 0) return false;
        // a bounded mailbox keeps its overflow policy; unstashed messages come first
        if (_rare is { } rare && (rare.Bounded is not null || HasPrepended)) return false;
        if (_system.HasMessages || _unbounded.HasItems) return false;
        return Interlocked.CompareExchange(ref _status, ScheduledFlag, 0) == 0;
    }

    /// <summary>
    /// Runs one turn of a mailbox claimed with <see cref="TryClaimEmpty"/> on the calling thread: the system
    /// messages, then up to the throughput of the batch's messages <paramref name="pending"/>[<paramref name="next"/>..<paramref name="count"/>),
    /// which come before anything queued meanwhile. If the actor stops, is suspended or unstashes, the batch's
    /// remaining messages move into the mailbox ahead of its queue (<see cref="FlushPending"/>). True when work is
    /// left and the caller still holds the claim: pending messages (call this again), or queued ones
    /// (<see cref="RunClaimedTurn"/>); either may also go to the dispatcher.
    /// </summary>
    internal bool RunPendingTurn(Envelope[] pending, ref int next, int count)
    {
        var processed = 0;
        var cell = _cell;
        try
        {
            if (!IsClosed)
            {
                if (_system.HasMessages) ProcessAllSystemMessages();
                var left = _dispatcher.Throughput;
                while (next < count && ShouldProcessMessage && (_rare is null || !HasPrepended))
                {
                    var envelope = pending[next];
                    pending[next++] = default;
                    cell.Invoke(envelope);
                    processed++;
                    if (_system.HasMessages) ProcessAllSystemMessages();
                    if (--left == 0) break;
                }
            }
            if (next < count && (!ShouldProcessMessage || HasPrepended)) FlushPending(pending, ref next, count);
        }
        catch
        {
            // never expected (a turn catches the actor's failures): the messages and the actor are not lost with it
            FlushPending(pending, ref next, count);
            SetAsIdle();
            TrySchedule(hasMessageHint: false, hasSystemMessageHint: false);
            throw;
        }
        finally
        {
            if (processed > 0) cell.OnTurnProcessed(processed);
        }
        if (next < count) return true;
        SetAsIdle();
        if (CanBeScheduled(false, false) && SetAsScheduled()) return true;
        CellState &= ~BusyTurnsMask;
        return false;
    }

    /// <summary>
    /// Moves a batch's messages that were not run into the mailbox, behind the unstashed messages and ahead of
    /// its queue (they were delivered before anything queued there by the same sender), or to dead letters once
    /// the actor is gone. Only the holder of the claim may call this.
    /// </summary>
    internal void FlushPending(Envelope[] pending, ref int next, int count)
    {
        if (next >= count) return;
        if (IsClosed)
        {
            for (; next < count; next++)
            {
                var gone = pending[next];
                pending[next] = default;
                _cell.DeadLetterAfterStop(gone);
            }
            return;
        }
        var front = (_rare ??= new RareParts(null)).Prepended ??= new Queue<Envelope>();
        for (; next < count; next++)
        {
            front.Enqueue(pending[next]);
            pending[next] = default;
        }
    }

    /// <summary>Queues a system message and schedules the mailbox.</summary>
    public void PostSystem(SystemMessage message)
    {
        _system.Push(message);
        TrySchedule(hasMessageHint: false, hasSystemMessageHint: true);
    }

    /// <summary>Puts messages in front of the queue (UnstashAll). Only the actor itself may call this.</summary>
    public void Prepend(IEnumerable<Envelope> envelopes)
    {
        var rare = _rare ??= new RareParts(null);
        var q = rare.Prepended ??= new Queue<Envelope>();
        if (q.Count == 0)
        {
            foreach (var e in envelopes) q.Enqueue(e);
            return;
        }
        var rest = q.ToArray();
        q.Clear();
        foreach (var e in envelopes) q.Enqueue(e);
        foreach (var e in rest) q.Enqueue(e);
    }

    /// <summary>Takes the next user message: unstashed ones first. Only the actor itself may call this.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryDequeue(out Envelope envelope)
    {
        var rare = _rare;
        if (rare is null) return _unbounded.TryDequeue(out envelope);
        if (rare.Prepended is { Count: > 0 } p)
        {
            envelope = p.Dequeue();
            return true;
        }
        return rare.Bounded is null ? _unbounded.TryDequeue(out envelope) : rare.Bounded.TryDequeue(out envelope);
    }

    /// <summary>Takes every pending system message (used once the actor is dead).</summary>
    public SystemMessage? TakeSystemMessages() => _system.TakeAllInOrder();

    public void Suspend()
    {
        while (true)
        {
            var s = Volatile.Read(ref _status);
            if ((s & ClosedFlag) != 0) return;
            if (Interlocked.CompareExchange(ref _status, s + SuspendUnit, s) == s) return;
        }
    }

    /// <summary>Lowers the suspension count; returns true when the mailbox is no longer suspended.</summary>
    public bool Resume()
    {
        while (true)
        {
            var s = Volatile.Read(ref _status);
            if ((s & ClosedFlag) != 0) return false;
            if (s < SuspendUnit) return true;
            var next = s - SuspendUnit;
            if (Interlocked.CompareExchange(ref _status, next, s) == s)
            {
                if (next < SuspendUnit) TrySchedule(false, false);
                return next < SuspendUnit;
            }
        }
    }

    /// <summary>Closes the mailbox for good: nothing more is processed.</summary>
    public void BecomeClosed()
    {
        while (true)
        {
            var s = Volatile.Read(ref _status);
            if (Interlocked.CompareExchange(ref _status, ClosedFlag | ScheduledFlag, s) == s) break;
        }
        _rare?.Bounded?.ReleaseWaiters();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void TrySchedule(bool hasMessageHint, bool hasSystemMessageHint)
    {
        if (CanBeScheduled(hasMessageHint, hasSystemMessageHint) && SetAsScheduled())
            _dispatcher.Execute(this);
    }

    private bool CanBeScheduled(bool hasMessageHint, bool hasSystemMessageHint)
    {
        var s = Volatile.Read(ref _status);
        if ((s & (ClosedFlag | ScheduledFlag)) != 0) return false;
        if (s >= SuspendUnit) return hasSystemMessageHint || _system.HasMessages;
        return hasMessageHint || hasSystemMessageHint || _system.HasMessages || QueueHasMessages
               || HasPrepended;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool SetAsScheduled()
    {
        while (true)
        {
            var s = Volatile.Read(ref _status);
            if ((s & (ClosedFlag | ScheduledFlag)) != 0) return false;
            if (Interlocked.CompareExchange(ref _status, s | ScheduledFlag, s) == s) return true;
        }
    }

    private void SetAsIdle()
    {
        while (true)
        {
            var s = Volatile.Read(ref _status);
            if ((s & ClosedFlag) != 0) return;
            if (Interlocked.CompareExchange(ref _status, s & ~ScheduledFlag, s) == s) return;
        }
    }

    /// <summary>Runs one turn: all system messages, then up to the dispatcher's throughput of user messages.</summary>
    public void Execute()
    {
        try
        {
            ProcessTurn();
        }
        finally
        {
            EndTurn();
        }
    }

    /// <summary>The body of a turn: all system messages, then up to the dispatcher's throughput of user messages.</summary>
    private void ProcessTurn()
    {
        if (IsClosed) return;
        if (_system.HasMessages) ProcessAllSystemMessages();
        ProcessMailbox();
    }

    /// <summary>
    /// Ends a turn: goes idle, then reschedules if work is left or raced in. Going idle first (rather than
    /// keeping the scheduled flag and requeueing directly, which saves two CAS) is deliberate: in that window a
    /// producer on another worker may schedule the actor on its own queue, which tends to bring actors that talk
    /// to each other onto one worker. Measured on 2 vCPUs, the direct requeue saved no measurable CPU per
    /// message and its multi-core ping-pong results were no better.
    /// </summary>
    private void EndTurn()
    {
        SetAsIdle();
        if (!(CanBeScheduled(false, false) && SetAsScheduled()))
        {
            CellState &= ~BusyTurnsMask;
            return;
        }
        // An actor that still has work is requeued on this worker's local queue for locality, but .NET pops
        // that queue last-in-first-out, so it would run again at once and could starve the actors queued behind
        // it. Every MaxLocalTurns-th consecutive turn it goes to the back of the shared queue (FIFO) instead.
        var turns = ((CellState & BusyTurnsMask) >> BusyTurnsShift) + 1;
        if (turns >= MaxLocalTurns)
        {
            CellState &= ~BusyTurnsMask;
            _dispatcher.ExecuteFair(this);
        }
        else
        {
            CellState = (CellState & ~BusyTurnsMask) | (turns << BusyTurnsShift);
            _dispatcher.Execute(this);
        }
    }

    private void ProcessMailbox()
    {
        var left = _dispatcher.Throughput;
        var processed = 0;
        var cell = _cell;
        while (ShouldProcessMessage && TryDequeue(out var envelope))
        {
            cell.Invoke(envelope);
            processed++;
            if (_system.HasMessages) ProcessAllSystemMessages();
            if (--left == 0) break;
        }
        if (processed > 0) cell.OnTurnProcessed(processed);
    }

    private void ProcessAllSystemMessages()
    {
        // Checked before taking: taking is an atomic exchange, reading is a plain load.
        while (_system.HasMessages && !IsClosed)
        {
            var message = _system.TakeAllInOrder();
            if (message is null) return;
            while (message is not null)
            {
                var next = message.Next;
                message.Next = null;
                if (IsClosed) _cell.HandleSystemMessageAfterDeath(message);
                else _cell.SystemInvoke(message);
                message = next;
            }
        }
    }

    /// <summary>
    /// What few mailboxes need, behind one reference so that every other actor saves the fields: the bounded
    /// queue (fixed at creation) and the unstashed messages (created by the actor itself on its first UnstashAll).
    /// </summary>
    private sealed class RareParts(BoundedMessageQueue? bounded)
    {
        public readonly BoundedMessageQueue? Bounded = bounded;
        public Queue<Envelope>? Prepended;
    }
}
