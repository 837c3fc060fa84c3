namespace Pipeline.Runtime.Dispatch;

/// <summary>
/// A bounded queue with an overflow policy. A small lock guards a ring buffer: bounded mailboxes exist for
/// flow control, not for peak throughput, and the lock makes drop-oldest and waiting senders simple and exact.
/// Senders waiting for room (TellAsync) are released one per dequeued message, in arrival order.
/// </summary>
internal sealed class BoundedMessageQueue
{
    private readonly Envelope[] _ring;
    private readonly OverflowStrategy _overflow;
    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _waiters = new();
    private int _head;
    private int _count;
    private bool _released;

    public BoundedMessageQueue(int capacity, OverflowStrategy overflow)
    {
        _ring = new Envelope[capacity];
        _overflow = overflow;
    }

    public int Capacity => _ring.Length;

    public EnqueueResult TryEnqueue(in Envelope envelope, out Envelope evicted)
    {
        evicted = default;
        lock (_lock)
        {
            if (_count == _ring.Length)
            {
                switch (_overflow)
                {
                    case OverflowStrategy.DropNewest:
                        return EnqueueResult.DroppedNewest;
                    case OverflowStrategy.DropOldest:
                        evicted = _ring[_head];
                        _ring[_head] = envelope;
                        _head = (_head + 1) % _ring.Length;
                        return EnqueueResult.EnqueuedDroppedOldest;
                    default:
                        return EnqueueResult.Full;
                }
            }
            _ring[(_head + _count) % _ring.Length] = envelope;
            _count++;
            return EnqueueResult.Enqueued;
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        TaskCompletionSource? toRelease = null;
        lock (_lock)
        {
            if (_count == 0) { envelope = default; return false; }
            envelope = _ring[_head];
            _ring[_head] = default;
            _head = (_head + 1) % _ring.Length;
            _count--;
            if (_waiters.Count > 0) toRelease = _waiters.Dequeue();
        }
        toRelease?.TrySetResult();
        return true;
    }

    public bool HasMessages { get { lock (_lock) return _count > 0; } }
    public int Count { get { lock (_lock) return _count; } }

    public ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource tcs;
        lock (_lock)
        {
            if (_count < _ring.Length || _released) return ValueTask.CompletedTask;
            // One waiter per blocked sender: the number of waiters is bounded by the number of senders awaiting.
            tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(tcs);
        }
        if (!cancellationToken.CanBeCanceled) return new ValueTask(tcs.Task);
        return new ValueTask(tcs.Task.WaitAsync(cancellationToken));
    }

    public void ReleaseWaiters()
    {
        TaskCompletionSource[] waiters;
        lock (_lock)
        {
            _released = true;
            waiters = _waiters.ToArray();
            _waiters.Clear();
        }
        foreach (var w in waiters) w.TrySetResult();
    }
}
