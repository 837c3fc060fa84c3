using System.Runtime.CompilerServices;

namespace Pipeline.Runtime.Dispatch;

/// <summary>
/// An unbounded multi-producer single-consumer queue built from a chain of ring segments (Vyukov's bounded
/// queue, with the consumer side free of atomic operations). A ring is reused as long as it does not fill,
/// so a steady flow of messages allocates nothing; a full ring is frozen and a ring twice its size is linked
/// behind it. Producers never take a lock. The first ring is allocated on the first enqueue, so that an
/// idle actor costs no queue memory. A struct, embedded in the mailbox: never copy it.
/// </summary>
/// <typeparam name="T">The element type (envelopes in the kernel).</typeparam>
internal struct MpscRingQueue<T>
{
    private const int InitialCapacity = 4;
    private const int MaxCapacity = 1 << 20;

    private Segment? _head;   // consumer side (set once by the first producer)
    private Segment? _tail;   // producer side

    /// <summary>Adds an item; never fails.</summary>
    public void Enqueue(T item)
    {
        var tail = Volatile.Read(ref _tail) ?? EnsureInitialized();
        while (true)
        {
            if (tail.TryEnqueue(item)) return;
            tail = Grow(tail);
        }
    }

    /// <summary>Removes the oldest item. Only the single consumer may call this.</summary>
    public bool TryDequeue(out T item)
    {
        var head = _head ?? Volatile.Read(ref _head);
        if (head is null) { item = default!; return false; }
        while (true)
        {
            if (head.TryDequeue(out item)) return true;
            // The segment looks empty: it is finished only when frozen, linked and drained up to its frozen tail.
            var next = Volatile.Read(ref head.Next);
            if (next is null || !head.IsDrainedAfterFreeze()) return false;
            head = next;
            _head = head;
        }
    }

    /// <summary>Whether an item is visible to the consumer. Only the consumer may call this.</summary>
    public readonly bool HasItems
    {
        get
        {
            var head = Volatile.Read(ref Unsafe.AsRef(in _head));
            while (head is not null)
            {
                if (head.HeadIsReady()) return true;
                var next = Volatile.Read(ref head.Next);
                if (next is null || !head.IsDrainedAfterFreeze()) return false;
                head = next;
            }
            return false;
        }
    }

    /// <summary>An estimate of the number of queued items (exact when no producer is mid-enqueue).</summary>
    public readonly int Count
    {
        get
        {
            long count = 0;
            for (var s = Volatile.Read(ref Unsafe.AsRef(in _head)); s is not null; s = Volatile.Read(ref s.Next))
                count += s.ApproximateCount;
            return (int)Math.Min(count, int.MaxValue);
        }
    }

    private Segment EnsureInitialized()
    {
        // The head is published first: the consumer starts from it, whatever the producers did meanwhile.
        var created = new Segment(InitialCapacity);
        var head = Interlocked.CompareExchange(ref _head, created, null) ?? created;
        Interlocked.CompareExchange(ref _tail, head, null);
        return Volatile.Read(ref _tail)!;
    }

    private Segment Grow(Segment full)
    {
        var next = Volatile.Read(ref full.Next);
        if (next is null)
        {
            var candidate = new Segment(Math.Min(full.Capacity * 2, MaxCapacity));
            next = Interlocked.CompareExchange(ref full.Next, candidate, null) ?? candidate;
        }
        // Link first, then freeze: a frozen segment therefore always has its successor.
        full.Freeze();
        Interlocked.CompareExchange(ref _tail, next, full);
        return Volatile.Read(ref _tail)!;
    }

    private sealed class Segment
    {
        private readonly Slot[] _slots;
        private readonly int _mask;
        private readonly long _freezeOffset;
        private PaddedQueueIndices _indices; // head and tail on separate cache lines
        private int _frozen;
        public Segment? Next;

        public Segment(int capacity)
        {
            _slots = new Slot[capacity];
            for (var i = 0; i < capacity; i++) _slots[i].Sequence = i;
            _mask = capacity - 1;
            _freezeOffset = capacity * 2L;
        }

        public int Capacity => _slots.Length;

        public long ApproximateCount
        {
            get
            {
                var tail = Volatile.Read(ref _indices.Tail);
                if (Volatile.Read(ref _frozen) != 0) tail -= _freezeOffset;
                return Math.Max(0, tail - Volatile.Read(ref _indices.Head));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryEnqueue(T item)
        {
            var slots = _slots;
            while (true)
            {
                var tail = Volatile.Read(ref _indices.Tail);
                ref var slot = ref slots[tail & _mask];
                var diff = Volatile.Read(ref slot.Sequence) - tail;
                if (diff == 0)
                {
                    if (Interlocked.CompareExchange(ref _indices.Tail, tail + 1, tail) == tail)
                    {
                        slot.Item = item;
                        // A full fence, not just a release: the mailbox reads its status right after this to
                        // decide whether to schedule the actor, while the consumer going idle clears that status
                        // and then looks for items. With a plain store the status read could pass it (store-load
                        // reordering) and both sides would miss each other: a message stranded until the next one.
                        Interlocked.Exchange(ref slot.Sequence, tail + 1);
                        return true;
                    }
                }
                else if (diff < 0)
                {
                    return false; // full, or frozen (the freeze offset makes every slot look full)
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryDequeue(out T item)
        {
            var head = _indices.Head;
            ref var slot = ref _slots[head & _mask];
            if (Volatile.Read(ref slot.Sequence) == head + 1)
            {
                item = slot.Item;
                if (RuntimeHelpers.IsReferenceOrContainsReferences<T>()) slot.Item = default!;
                Volatile.Write(ref _indices.Head, head + 1);
                Volatile.Write(ref slot.Sequence, head + _slots.Length);
                return true;
            }
            item = default!;
            return false;
        }

        public bool HeadIsReady()
        {
            var head = _indices.Head;
            return Volatile.Read(ref _slots[head & _mask].Sequence) == head + 1;
        }

        public void Freeze()
        {
            if (Interlocked.Exchange(ref _frozen, 1) == 0)
                Interlocked.Add(ref _indices.Tail, _freezeOffset);
        }

        public bool IsDrainedAfterFreeze()
        {
            if (Volatile.Read(ref _frozen) == 0) return false;
            return Volatile.Read(ref _indices.Tail) - _freezeOffset == _indices.Head;
        }

        private struct Slot
        {
            public T Item;
            public long Sequence;
        }
    }
}
