namespace Pipeline.Streams.Dsl;

/// <summary>
/// Live counters of a buffer stage (its materialized value): how many elements it holds now, the most it ever
/// held, and how many it dropped. Thread-safe to read while the stream runs; the proof that memory stays bounded.
/// </summary>
public sealed class BufferMonitor
{
    private int _count, _highWaterMark;
    private long _dropped;

    internal BufferMonitor(int capacity) => Capacity = capacity;

    /// <summary>The configured bound.</summary>
    public int Capacity { get; }

    /// <summary>Elements buffered now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The most elements ever buffered at once.</summary>
    public int HighWaterMark => Volatile.Read(ref _highWaterMark);

    /// <summary>Elements dropped by the overflow strategy.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void SetCount(int count)
    {
        Volatile.Write(ref _count, count);
        if (count > _highWaterMark) Volatile.Write(ref _highWaterMark, count);
    }

    internal void AddDropped(int n) => Interlocked.Add(ref _dropped, n);
}
