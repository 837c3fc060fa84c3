using Pipeline.Runtime.Dispatch;

namespace Pipeline.Benchmarks.KernelCost;

/// <summary>
/// Runs mailboxes on the calling thread, in FIFO order, only inside <see cref="RunUntilIdle"/>: the kernel's own
/// per-message and per-turn work without the thread pool, so that its CPU cost can be measured on one core
/// even while other processes compete for the CPU.
/// </summary>
internal sealed class InlineDispatcher(string id, int throughput) : MessageDispatcher(id, throughput)
{
    private readonly Queue<Mailbox> _ready = new();
    private readonly Lock _lock = new();

    internal override void Execute(Mailbox mailbox)
    {
        lock (_lock) _ready.Enqueue(mailbox);
    }

    /// <summary>Runs turns until no mailbox is scheduled; returns the number of turns.</summary>
    public long RunUntilIdle()
    {
        long turns = 0;
        while (true)
        {
            Mailbox? next;
            lock (_lock)
            {
                if (!_ready.TryDequeue(out next)) return turns;
            }
            next.Execute();
            turns++;
        }
    }
}
