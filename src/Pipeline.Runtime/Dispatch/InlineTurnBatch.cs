using System.Runtime.CompilerServices;
using System.Diagnostics;
using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Dispatch;

/// <summary>
/// The actors woken by one burst of deliveries (one socket read of a remoting connection), whose turns the
/// delivering thread runs itself once the burst is decoded, instead of waking a thread-pool worker per actor.
/// Turns run round-robin until every mailbox is empty or the time budget is spent; what is left goes to the
/// actors' dispatchers as usual. One batch belongs to one delivering thread; another thread may only
/// <see cref="TryAbandon"/> it, when a turn has kept the delivering thread too long: the actors not yet run are
/// then handed to their dispatchers at once, and the delivering thread learns from <see cref="Run"/> that it
/// no longer delivers.
/// </summary>
public sealed class InlineTurnBatch
{
    private const int Idle = 0;
    private const int Running = 1;
    private const int Abandoned = 2;
    // how many of the latest claims a delivery looks through for the actor whose messages this batch holds; beyond
    // them a message is queued in the mailbox, which stays in order (the held messages run first)
    private const int ScanLimit = 8;
    private const int MaxPooledClaims = 64;
    private const int InitialItems = 16;
    private const int MaxPooledItems = 1024;

    private Claim?[] _claimed = new Claim?[8];
    private int _count;
    // the claim the last delivery went to: the messages of one envelope run all go to one actor
    private Claim? _last;
    private Claim[] _free = new Claim[8];
    private int _freeCount;
    private int _state;
    private long _runningSince;
    private Mailbox? _current;
    private long _turnsRun;

    /// <summary>
    /// Creates a batch whose <see cref="Run"/> spends at most <paramref name="budget"/> running turns (at least one
    /// turn per claimed actor); zero claims nothing, every actor is scheduled on its dispatcher.
    /// </summary>
    public InlineTurnBatch(TimeSpan budget) => Budget = budget;

    /// <summary>How long <see cref="Run"/> may run turns before it hands the remaining actors to their dispatchers.</summary>
    public TimeSpan Budget { get; }

    /// <summary>Actors claimed and not yet run.</summary>
    public int Count => _count;

    /// <summary>Turns run on the delivering thread so far.</summary>
    public long TurnsRun => Interlocked.Read(ref _turnsRun);

    /// <summary>The actor whose turn runs now, if any (named in the log when a turn keeps the delivering thread too long).</summary>
    public ActorPath? CurrentActor => Volatile.Read(ref _current)?.Cell.Path;

    /// <summary>Tells <paramref name="target"/>; a local idle actor's turn is claimed into this batch.</summary>
    public void Tell(IActorRef target, object message, IActorRef? sender)
    {
        if (target is ActorCell cell && Budget > TimeSpan.Zero) cell.TellInBatch(message, sender, this);
        else target.Tell(message, sender);
    }

    /// <summary>
    /// Delivers to an unbounded mailbox on a dispatcher that allows inline turns. An idle actor with nothing
    /// queued is claimed and the batch keeps its messages itself (no queue operation per message: they run first,
    /// in order, when the batch runs); an idle actor with queued messages is claimed with the message queued;
    /// a busy one just gets the message queued.
    /// </summary>
    internal void Post(Mailbox mailbox, in Envelope envelope)
    {
        var claimed = _claimed;
        for (int i = _count - 1, stop = Math.Max(0, _count - ScanLimit); i >= stop; i--)
        {
            var claim = claimed[i]!;
            if (claim.HoldsMessages && ReferenceEquals(claim.Mailbox, mailbox))
            {
                _last = claim;
                claim.Append(envelope);
                return;
            }
        }
        if (mailbox.TryClaimEmpty())
        {
            var claim = Rent(mailbox, holdsMessages: true);
            claim.Append(envelope);
            Add(claim);
            _last = claim;
            return;
        }
        if (mailbox.PostClaiming(envelope)) Add(Rent(mailbox, holdsMessages: false));
    }

    /// <summary>Keeps the message when <paramref name="mailbox"/> is the actor this batch delivered to last and holds messages for.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool TryAppendToLast(Mailbox mailbox, object message, IActorRef? sender)
    {
        var last = _last;
        if (last is null || !ReferenceEquals(last.Mailbox, mailbox)) return false;
        last.Append(new Envelope(message, sender));
        return true;
    }

    private void Add(Claim claim)
    {
        if (_count == _claimed.Length) Array.Resize(ref _claimed, _count * 2);
        _claimed[_count++] = claim;
    }

    private Claim Rent(Mailbox mailbox, bool holdsMessages)
    {
        var claim = _freeCount > 0 ? _free[--_freeCount] : new Claim();
        claim.Mailbox = mailbox;
        claim.HoldsMessages = holdsMessages;
        claim.Next = 0;
        claim.Count = 0;
        return claim;
    }

    private void Return(Claim claim)
    {
        claim.Mailbox = null!;
        // a read that woke thousands of actors, or one that held thousands of messages for one, does not leave
        // that much memory behind in the batch
        if (_freeCount == MaxPooledClaims) return;
        if (claim.Items.Length > MaxPooledItems) claim.Items = new Envelope[InitialItems];
        if (_freeCount == _free.Length) Array.Resize(ref _free, _freeCount * 2);
        _free[_freeCount++] = claim;
    }

    /// <summary>
    /// Runs the claimed actors' turns on the calling thread. False when the batch was abandoned meanwhile
    /// (<see cref="TryAbandon"/>): the caller no longer delivers and must stop.
    /// </summary>
    public bool Run()
    {
        _last = null;
        if (_count == 0) return Volatile.Read(ref _state) != Abandoned;
        var start = Stopwatch.GetTimestamp();
        Volatile.Write(ref _runningSince, start);
        if (Interlocked.CompareExchange(ref _state, Running, Idle) != Idle) return false;
        var deadline = start + (long)(Budget.TotalSeconds * Stopwatch.Frequency);
        var turns = 0L;
        var claimed = _claimed;
        while (_count > 0 && Volatile.Read(ref _state) == Running)
        {
            var kept = 0;
            for (var i = 0; i < _count; i++)
            {
                // taken by exchange: a thread abandoning the batch takes the slots this one has not reached
                var claim = Interlocked.Exchange(ref claimed[i], null);
                if (claim is null) continue;
                var mailbox = claim.Mailbox;
                Volatile.Write(ref _current, mailbox);
                turns++;
                var more = claim.Next < claim.Count
                    ? mailbox.RunPendingTurn(claim.Items, ref claim.Next, claim.Count)
                    : mailbox.RunClaimedTurn();
                if (more) Volatile.Write(ref claimed[kept++], claim);
                else Return(claim);
            }
            Volatile.Write(ref _current, null);
            _count = kept;
            if (Stopwatch.GetTimestamp() >= deadline) break;
        }
        Interlocked.Add(ref _turnsRun, turns);
        // out of time (or abandoned): the rest run on their dispatchers
        ScheduleRemaining(claimed, owner: true);
        _count = 0;
        return Interlocked.CompareExchange(ref _state, Idle, Running) == Running;
    }

    /// <summary>
    /// Called from another thread: when a turn has held the delivering thread for longer than
    /// <paramref name="stall"/>, hands every actor not yet run to its dispatcher and marks the batch abandoned
    /// (its <see cref="Run"/> then returns false). True when it did.
    /// </summary>
    public bool TryAbandon(TimeSpan stall)
    {
        if (Volatile.Read(ref _state) != Running) return false;
        if (Stopwatch.GetElapsedTime(Volatile.Read(ref _runningSince)) < stall) return false;
        if (Interlocked.CompareExchange(ref _state, Abandoned, Running) != Running) return false;
        ScheduleRemaining(_claimed, owner: false);
        return true;
    }

    /// <summary>
    /// Hands every claim still in the slots to its dispatcher, the messages the batch held moved into its mailbox
    /// first. The delivering thread (<paramref name="owner"/>) keeps the claims for reuse; a thread abandoning the
    /// batch leaves them to the collector.
    /// </summary>
    private void ScheduleRemaining(Claim?[] claimed, bool owner)
    {
        for (var i = 0; i < claimed.Length; i++)
        {
            if (Volatile.Read(ref claimed[i]) is null) continue;
            if (Interlocked.Exchange(ref claimed[i], null) is not { } claim) continue;
            var mailbox = claim.Mailbox;
            mailbox.FlushPending(claim.Items, ref claim.Next, claim.Count);
            if (owner) Return(claim);
            mailbox.Schedule();
        }
    }

    /// <summary>One claimed actor's next turn, with the messages the batch holds for it (when it claimed the actor idle and empty).</summary>
    private sealed class Claim
    {
        public Mailbox Mailbox = null!;
        public bool HoldsMessages;
        public Envelope[] Items = new Envelope[InitialItems];
        public int Next;
        public int Count;

        public void Append(in Envelope envelope)
        {
            if (Count == Items.Length) Array.Resize(ref Items, Count * 2);
            Items[Count++] = envelope;
        }
    }
}
