namespace Pipeline.Streams.Implementation;

/// <summary>
/// The bounded buffer of an async boundary between two islands: the upstream island's boundary sink fills it,
/// the downstream island's boundary source drains it. Each side is woken through its async callback only when
/// it waits (buffer empty, or buffer full until half of it drained), so a busy boundary costs a lock per element.
/// </summary>
internal sealed class BoundaryBuffer<T>(int capacity)
{
    private readonly Lock _lock = new();
    private readonly T[] _items = new T[capacity];
    private int _head, _count;
    private bool _consumerWaiting, _producerWaiting, _completed, _cancelled;
    private Exception? _failure;

    internal int Capacity => _items.Length;
    internal AsyncCallback<bool> WakeConsumer = null!;
    internal AsyncCallback<bool> WakeProducer = null!;

    /// <summary>Elements buffered now.</summary>
    internal int Count
    {
        get { lock (_lock) return _count; }
    }

    internal bool Cancelled
    {
        get { lock (_lock) return _cancelled; }
    }

    /// <summary>Adds an element; returns true when there is room for another one.</summary>
    internal bool Add(T element)
    {
        bool wake, room;
        lock (_lock)
        {
            _items[(_head + _count) % _items.Length] = element;
            _count++;
            wake = _consumerWaiting;
            _consumerWaiting = false;
            room = _count < _items.Length;
            if (!room) _producerWaiting = true;
        }
        if (wake) WakeConsumer.Invoke(true);
        return room;
    }

    internal void Finish(Exception? failure)
    {
        bool wake;
        lock (_lock)
        {
            _completed = true;
            _failure = failure;
            wake = _consumerWaiting;
            _consumerWaiting = false;
        }
        if (wake) WakeConsumer.Invoke(true);
    }

    internal void Cancel()
    {
        bool wake;
        lock (_lock)
        {
            _cancelled = true;
            _count = 0;
            Array.Clear(_items);
            wake = true;
            _producerWaiting = false;
        }
        if (wake) WakeProducer.Invoke(true);
    }

    /// <summary>Takes an element; when none, reports whether the upstream finished (and how), else registers the consumer as waiting.</summary>
    internal bool TryTake(out T element, out bool finished, out Exception? failure)
    {
        bool wake = false, got;
        lock (_lock)
        {
            if (_count > 0)
            {
                element = _items[_head];
                _items[_head] = default!;
                _head = (_head + 1) % _items.Length;
                _count--;
                got = true;
                finished = false;
                failure = null;
                if (_producerWaiting && _count <= _items.Length / 2)
                {
                    _producerWaiting = false;
                    wake = true;
                }
            }
            else
            {
                element = default!;
                got = false;
                finished = _completed;
                failure = _failure;
                if (!_completed) _consumerWaiting = true;
            }
        }
        if (wake) WakeProducer.Invoke(true);
        return got;
    }
}
