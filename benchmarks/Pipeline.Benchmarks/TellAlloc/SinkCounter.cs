namespace Pipeline.Benchmarks.TellAlloc;

/// <summary>Messages the sink received; the benchmark spins on it (allocation-free) to keep the mailbox drained.</summary>
internal sealed class SinkCounter
{
    private long _count;

    public void Increment() => Volatile.Write(ref _count, _count + 1);

    public void SpinUntil(long expected)
    {
        var spinner = new SpinWait();
        while (Volatile.Read(ref _count) < expected) spinner.SpinOnce(sleep1Threshold: -1);
    }
}
