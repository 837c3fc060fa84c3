namespace Pipeline.Cluster.Transport;

/// <summary>
/// A FIFO ring that grows (by doubling) up to a fixed capacity, so an idle peer's queue costs little memory;
/// the caller synchronizes. The writer reads entries in place (<see cref="Oldest"/>), without copying them.
/// </summary>
internal sealed class RingBuffer<T>
{
    private const int InitialSize = 256;
    private T[] _items;
    private int _head;
    private int _count;

    public RingBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _items = new T[Math.Min(capacity, InitialSize)];
    }

    public int Count => _count;

    /// <summary>The most entries the ring holds.</summary>
    public int Capacity { get; }

    public bool IsFull => _count == Capacity;

    /// <summary>The oldest entry, by reference (only while <see cref="Count"/> is positive).</summary>
    public ref T Oldest => ref _items[_head];

    public void Add(in T item)
    {
        if (_count == _items.Length) Grow();
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
            RemoveOldest();
        }
        return n;
    }

    private void Grow()
    {
        if (_count >= Capacity) throw new InvalidOperationException("The ring is full.");
        var bigger = new T[(int)Math.Min(Capacity, 2L * _items.Length)];
        var first = Math.Min(_count, _items.Length - _head);
        Array.Copy(_items, _head, bigger, 0, first);
        Array.Copy(_items, 0, bigger, first, _count - first);
        _items = bigger;
        _head = 0;
    }
}
