namespace Pipeline.Cluster.Transport;

/// <summary>A fixed-capacity FIFO ring; the caller synchronizes.</summary>
internal sealed class RingBuffer<T>
{
    private readonly T[] _items;
    private int _head;
    private int _count;

    public RingBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new T[capacity];
    }

    public int Count => _count;

    public int Capacity => _items.Length;

    public bool IsFull => _count == _items.Length;

    public void Add(in T item)
    {
        var tail = _head + _count;
        if (tail >= _items.Length) tail -= _items.Length;
        _items[tail] = item;
        _count++;
    }

    public void RemoveOldest()
    {
        _items[_head] = default!;
        _head = _head + 1 == _items.Length ? 0 : _head + 1;
        _count--;
    }

    /// <summary>Moves up to <paramref name="destination"/>.Length items out, oldest first, clearing their slots.</summary>
    public int DrainTo(Span<T> destination)
    {
        var n = Math.Min(destination.Length, _count);
        for (var i = 0; i < n; i++)
        {
            destination[i] = _items[_head];
            _items[_head] = default!;
            _head = _head + 1 == _items.Length ? 0 : _head + 1;
        }
        _count -= n;
        return n;
    }
}
