using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Transport;

/// <summary>
/// A peer's bounded outbound queue: user messages with a configured overflow policy, plus a small separate
/// queue of system frames (heartbeats, death watch) so that they never wait behind, or get dropped for, user
/// traffic. Many producers, one consumer (the connection's writer). The writer takes every queued user message
/// at once by swapping the ring for an empty one (constant time under the lock, so producers hardly wait) and
/// encodes the entries in place; rings grow with the backlog, so an idle peer costs little memory.
/// <para>
/// The queue also decides who drains it. One drainer (the current connection) is attached at a time, and at most
/// one thread drains at once: the first message queued while nobody drains asks the drainer to start
/// (<see cref="IOutboundDrainer.ScheduleDrain"/>); the drain goes on until it finds the queue empty, decided under
/// the same lock as every enqueue, so no message is left behind. A connection's reader may reserve the next drain
/// before it runs the actors a read woke up (<see cref="TryReserve"/>), so that their replies leave in one write
/// from the reader's own thread instead of waking another. A reader that finds a drain running leaves a note
/// (<see cref="ReaderWaitingHint"/>): that drain then stops as soon as it finds the queue empty instead of
/// lingering for more, so that a steady exchange which once went to the pool's drains comes back to the reader
/// rather than staying there for as long as the traffic lasts.
/// </para>
/// </summary>
public sealed class OutboundQueue
{
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private RingBuffer<OutboundMessage> _user;
    private RingBuffer<OutboundMessage>? _spare;
    private readonly RingBuffer<SystemFrame> _system;
    private readonly OverflowPolicy _policy;
    private readonly string _peer;
    private IOutboundDrainer? _drainer;
    private DrainState _drainState;
    private bool _detachRequested;
    // a reader found a drain running and would reserve the next one (see TryReserve)
    private volatile bool _readerWaiting;
    private TaskCompletionSource? _detached;
    private long _droppedNewest;
    private long _droppedOldest;
    private long _rejected;
    private long _systemDropped;

    /// <summary>Creates the queue for <paramref name="peer"/>.</summary>
    public OutboundQueue(string peer, int capacity, OverflowPolicy policy, int systemCapacity)
    {
        _peer = peer;
        _capacity = capacity;
        _user = new RingBuffer<OutboundMessage>(capacity);
        _system = new RingBuffer<SystemFrame>(systemCapacity);
        _policy = policy;
    }

    /// <summary>User messages waiting now.</summary>
    public int Depth
    {
        get { lock (_gate) return _user.Count; }
    }

    /// <summary>System frames waiting now.</summary>
    public int SystemDepth
    {
        get { lock (_gate) return _system.Count; }
    }

    /// <summary>Messages discarded by <see cref="OverflowPolicy.DropNewest"/> or <see cref="OverflowPolicy.DropOldest"/> so far.</summary>
    public long Dropped => Interlocked.Read(ref _droppedNewest) + Interlocked.Read(ref _droppedOldest);

    /// <summary>Sends refused by <see cref="OverflowPolicy.Fail"/> so far.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>System frames discarded because the system queue was full (the peer is far behind).</summary>
    public long SystemDropped => Interlocked.Read(ref _systemDropped);

    /// <summary>
    /// True when the connection's reader found this queue's drain running and wants the next one: the running drain
    /// should stop as soon as the queue is empty rather than linger (read without the lock: a hint).
    /// </summary>
    internal bool ReaderWaitingHint => _readerWaiting;

    /// <summary>True when something may be queued (read without the lock: a hint for a writer deciding whether to park).</summary>
    internal bool HasWorkHint => Volatile.Read(ref _user).Count > 0 || _system.Count > 0;

    private bool HasWorkLocked => _user.Count > 0 || _system.Count > 0;

    /// <summary>Queues a user message, applying the overflow policy when full.</summary>
    public EnqueueResult Enqueue(in OutboundMessage message)
    {
        IOutboundDrainer? drainer;
        EnqueueResult result;
        lock (_gate)
        {
            if (_user.IsFull)
            {
                switch (_policy)
                {
                    case OverflowPolicy.DropNewest:
                        _droppedNewest++;
                        return EnqueueResult.DroppedNewest;
                    case OverflowPolicy.DropOldest:
                        _user.RemoveOldest();
                        _droppedOldest++;
                        result = EnqueueResult.DroppedOldest;
                        break;
                    default:
                        _rejected++;
                        throw new OutboundQueueFullException(_peer, _user.Capacity);
                }
            }
            else
            {
                result = EnqueueResult.Enqueued;
            }
            _user.Add(message);
            drainer = WakeLocked();
        }
        drainer?.ScheduleDrain();
        return result;
    }

    /// <summary>Queues a system frame; false (and counted) when the system queue is full.</summary>
    public bool EnqueueSystem(SystemFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        IOutboundDrainer? drainer;
        lock (_gate)
        {
            if (_system.IsFull)
            {
                _systemDropped++;
                return false;
            }
            _system.Add(frame);
            drainer = WakeLocked();
        }
        drainer?.ScheduleDrain();
        return true;
    }

    /// <summary>Moves waiting system frames and then up to <paramref name="users"/>.Length user messages out.</summary>
    internal (int SystemCount, int UserCount) Drain(Span<SystemFrame> systems, Span<OutboundMessage> users)
    {
        lock (_gate)
        {
            var s = _system.DrainTo(systems);
            var u = _user.DrainTo(users);
            return (s, u);
        }
    }

    /// <summary>Moves waiting system frames out (the writer sends them before user messages).</summary>
    internal int DrainSystem(Span<SystemFrame> systems)
    {
        lock (_gate) return _system.DrainTo(systems);
    }

    /// <summary>
    /// Takes every queued user message at once (null when none): the writer reads them in place, oldest first,
    /// removing each, and hands the empty ring back with <see cref="ReturnUsers"/>.
    /// </summary>
    internal RingBuffer<OutboundMessage>? TakeUsers()
    {
        lock (_gate)
        {
            if (_user.Count == 0) return null;
            var taken = _user;
            _user = _spare ?? new RingBuffer<OutboundMessage>(_capacity);
            _spare = null;
            return taken;
        }
    }

    /// <summary>Gives a ring taken with <see cref="TakeUsers"/> back once it is empty, for reuse.</summary>
    internal void ReturnUsers(RingBuffer<OutboundMessage> drained)
    {
        if (drained.Count != 0) throw new InvalidOperationException("Only an emptied ring can be returned.");
        lock (_gate) _spare ??= drained;
    }

    // ---- who drains --------------------------------------------------------------------------------------

    /// <summary>The drainer to start now (the state is Draining from here on), or null when a drain runs or is reserved.</summary>
    private IOutboundDrainer? WakeLocked()
    {
        if (_drainState != DrainState.Idle || _drainer is null) return null;
        _drainState = DrainState.Draining;
        return _drainer;
    }

    /// <summary>Makes <paramref name="drainer"/> the one that drains this queue, starting it if work is waiting.</summary>
    internal void Attach(IOutboundDrainer drainer)
    {
        ArgumentNullException.ThrowIfNull(drainer);
        IOutboundDrainer? start;
        lock (_gate)
        {
            if (_drainer is not null) throw new InvalidOperationException($"The queue to {_peer} already has a drainer.");
            _drainer = drainer;
            _detachRequested = false;
            _readerWaiting = false;
            _drainState = DrainState.Idle;
            start = HasWorkLocked ? WakeLocked() : null;
        }
        start?.ScheduleDrain();
    }

    /// <summary>
    /// Stops <paramref name="drainer"/> from draining this queue: completes once a drain in progress has written
    /// what it took (what is still queued stays for the next drainer).
    /// </summary>
    internal Task DetachAsync(IOutboundDrainer drainer)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_drainer, drainer)) return Task.CompletedTask;
            if (_drainState != DrainState.Draining)
            {
                _drainer = null;
                _drainState = DrainState.Idle;
                return Task.CompletedTask;
            }
            _detachRequested = true;
            return (_detached ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>
    /// Reserves the next drain for <paramref name="drainer"/>'s own thread (a reader about to run the actors a read
    /// woke up): until <see cref="TryClaimReservation"/>, new messages queue without starting a drain. False when a
    /// drain is already running (it will pick up what the actors send, and is asked, through
    /// <see cref="ReaderWaitingHint"/>, to stop once it finds the queue empty).
    /// </summary>
    internal bool TryReserve(IOutboundDrainer drainer)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_drainer, drainer) || _detachRequested) return false;
            if (_drainState != DrainState.Idle)
            {
                if (_drainState == DrainState.Draining) _readerWaiting = true;
                return false;
            }
            _drainState = DrainState.Reserved;
            _readerWaiting = false;
            return true;
        }
    }

    /// <summary>Turns a reservation into a drain on the calling thread; false when the reservation was revoked.</summary>
    internal bool TryClaimReservation(IOutboundDrainer drainer)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_drainer, drainer) || _drainState != DrainState.Reserved) return false;
            _drainState = DrainState.Draining;
            return true;
        }
    }

    /// <summary>
    /// Ends a reservation held too long (its reader is stuck in an actor's turn): whatever was queued meanwhile is
    /// drained the usual way, and <paramref name="startDrain"/> starts a drain even when nothing is queued (the
    /// drainer holds frames already encoded). False when there was no reservation any more.
    /// </summary>
    internal bool RevokeReservation(IOutboundDrainer drainer, bool startDrain = false)
    {
        IOutboundDrainer? start;
        lock (_gate)
        {
            if (!ReferenceEquals(_drainer, drainer) || _drainState != DrainState.Reserved) return false;
            _drainState = DrainState.Idle;
            start = startDrain || HasWorkLocked ? WakeLocked() : null;
        }
        start?.ScheduleDrain();
        return true;
    }

    /// <summary>Starts a drain now unless one runs or is reserved (the drainer has frames of its own to write).</summary>
    internal void RequestDrain(IOutboundDrainer drainer)
    {
        IOutboundDrainer? start;
        lock (_gate)
        {
            if (!ReferenceEquals(_drainer, drainer)) return;
            start = WakeLocked();
        }
        start?.ScheduleDrain();
    }

    /// <summary>
    /// Asked by the draining thread after it wrote everything it took: true to go on (more is queued); false when it
    /// must stop, either because the queue is empty (the queue is idle now and the next message starts a drain) or
    /// because the drainer was detached.
    /// </summary>
    internal bool ContinueDraining(IOutboundDrainer drainer)
    {
        TaskCompletionSource? detached = null;
        lock (_gate)
        {
            if (!ReferenceEquals(_drainer, drainer)) return false;
            if (_detachRequested)
            {
                detached = DetachLocked();
            }
            else
            {
                if (HasWorkLocked) return true;
                _drainState = DrainState.Idle;
                _readerWaiting = false;
            }
        }
        detached?.TrySetResult();
        return false;
    }

    /// <summary>The draining thread failed (the connection is lost): <paramref name="drainer"/> is detached at once.</summary>
    internal void ReleaseAfterFailure(IOutboundDrainer drainer)
    {
        TaskCompletionSource? detached;
        lock (_gate)
        {
            if (!ReferenceEquals(_drainer, drainer)) return;
            detached = DetachLocked();
        }
        detached?.TrySetResult();
    }

    private TaskCompletionSource? DetachLocked()
    {
        var detached = _detached;
        _detached = null;
        _detachRequested = false;
        _readerWaiting = false;
        _drainer = null;
        _drainState = DrainState.Idle;
        return detached;
    }

    private enum DrainState
    {
        Idle,
        Draining,
        Reserved,
    }
}
