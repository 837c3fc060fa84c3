using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Transport;

/// <summary>
/// A peer's bounded outbound queue: user messages with a configured overflow policy, plus a small separate
/// queue of system frames (heartbeats, death watch) so that they never wait behind, or get dropped for, user
/// traffic. Many producers, one consumer (the connection's writer). The writer takes every queued user message
/// at once by swapping the ring for an empty one (constant time under the lock, so producers hardly wait) and
/// encodes the entries in place; rings grow with the backlog, so an idle peer costs little memory.
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
    private TaskCompletionSource? _waiter;
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

    /// <summary>True when something may be queued (read without the lock: a hint for a writer deciding whether to park).</summary>
    internal bool HasWorkHint => Volatile.Read(ref _user).Count > 0 || _system.Count > 0;

    /// <summary>Queues a user message, applying the overflow policy when full.</summary>
    public EnqueueResult Enqueue(in OutboundMessage message)
    {
        TaskCompletionSource? waiter;
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
            waiter = _waiter;
            _waiter = null;
        }
        waiter?.TrySetResult();
        return result;
    }

    /// <summary>Queues a system frame; false (and counted) when the system queue is full.</summary>
    public bool EnqueueSystem(SystemFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            if (_system.IsFull)
            {
                _systemDropped++;
                return false;
            }
            _system.Add(frame);
            waiter = _waiter;
            _waiter = null;
        }
        waiter?.TrySetResult();
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

    /// <summary>Completes when something is queued (immediately if something already is).</summary>
    internal Task WaitAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_user.Count > 0 || _system.Count > 0) return Task.CompletedTask;
            waiter = _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        return cancellationToken.CanBeCanceled ? waiter.Task.WaitAsync(cancellationToken) : waiter.Task;
    }

    /// <summary>Completes the pending <see cref="WaitAsync"/>, if any, with nothing queued (a writer that stops uses it).</summary>
    internal void WakeWriter()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = _waiter;
            _waiter = null;
        }
        waiter?.TrySetResult();
    }
}
