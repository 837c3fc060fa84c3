using Pipeline.Persistence.Journal;

namespace Pipeline.Persistence.Tests.Actors;

/// <summary>A journal decorator for fault and concurrency tests: can fail writes and counts concurrent replays.</summary>
internal sealed class TestJournal(IJournal inner) : IJournal
{
    private int _replaysInFlight;
    private int _maxReplaysInFlight;

    public volatile bool FailWrites;
    public TaskCompletionSource? ReplayGate;

    public int MaxReplaysInFlight => Volatile.Read(ref _maxReplaysInFlight);

    public Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
        => FailWrites ? Task.FromException<IReadOnlyList<WriteResult>>(new IOException("injected journal failure")) : inner.WriteAsync(writes, cancellationToken);

    public Task<WriteResult> WriteAsync(AtomicWrite write, CancellationToken cancellationToken = default)
        => FailWrites ? Task.FromException<WriteResult>(new IOException("injected journal failure")) : inner.WriteAsync(write, cancellationToken);

    public async IAsyncEnumerable<PersistentRepr> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var now = Interlocked.Increment(ref _replaysInFlight);
        try
        {
            int seen;
            do seen = Volatile.Read(ref _maxReplaysInFlight); while (now > seen && Interlocked.CompareExchange(ref _maxReplaysInFlight, now, seen) != seen);
            if (ReplayGate is { } gate) await gate.Task.WaitAsync(cancellationToken);
            await foreach (var e in inner.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, cancellationToken)) yield return e;
        }
        finally
        {
            Interlocked.Decrement(ref _replaysInFlight);
        }
    }

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr = 0, CancellationToken cancellationToken = default)
        => inner.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
        => inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
