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

    private Mailbox?[] _claimed = new Mailbox?[8];
    private int _count;
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

    internal void Add(Mailbox mailbox)
    {
        if (_count == _claimed.Length) Array.Resize(ref _claimed, _count * 2);
        _claimed[_count++] = mailbox;
    }

    /// <summary>
    /// Runs the claimed actors' turns on the calling thread. False when the batch was abandoned meanwhile
    /// (<see cref="TryAbandon"/>): the caller no longer delivers and must stop.
    /// </summary>
    public bool Run()
    {
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
                var mailbox = Interlocked.Exchange(ref claimed[i], null);
                if (mailbox is null) continue;
                Volatile.Write(ref _current, mailbox);
                turns++;
                if (mailbox.RunClaimedTurn()) Volatile.Write(ref claimed[kept++], mailbox);
            }
            Volatile.Write(ref _current, null);
            _count = kept;
            if (Stopwatch.GetTimestamp() >= deadline) break;
        }
        Interlocked.Add(ref _turnsRun, turns);
        // out of time (or abandoned): the rest run on their dispatchers
        ScheduleRemaining(claimed);
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
        ScheduleRemaining(_claimed);
        return true;
    }

    private static void ScheduleRemaining(Mailbox?[] claimed)
    {
        for (var i = 0; i < claimed.Length; i++)
        {
            if (Volatile.Read(ref claimed[i]) is null) continue;
            Interlocked.Exchange(ref claimed[i], null)?.Schedule();
        }
    }
}
