namespace Pipeline.Benchmarks.Spawn;

/// <summary>Counts actor instances created, so the benchmark knows when every actor has processed Create.</summary>
internal sealed class CreationCounter
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}
