using Pipeline.Persistence.Journal;

namespace Pipeline.Persistence.Tests.Support;

/// <summary>A journal whose database can be switched off, hung, or made to reject, to drive the circuit breaker.</summary>
internal sealed class FlakyJournal : IJournal
{
    public bool Down { get; set; }

    public bool Hang { get; set; }

    public bool Reject { get; set; }

    public int Calls;

    private async Task<T> Call<T>(T value, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        await Task.Yield();
        if (Hang)
            await Task.Delay(Timeout.Infinite, cancellationToken);
        if (Down)
            throw new InvalidOperationException("database down");
        return value;
    }

    public Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) =>
        Call<IReadOnlyList<WriteResult>>(writes.Select(_ => WriteResult.Success).ToArray(), cancellationToken);

    public Task<WriteResult> WriteAsync(AtomicWrite write, CancellationToken cancellationToken = default) =>
        Call(Reject ? WriteResult.Duplicate(write) : WriteResult.Success, cancellationToken);

    public async IAsyncEnumerable<PersistentRepr> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return await Call(Events.Make(persistenceId, 1), cancellationToken);
    }

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr = 0, CancellationToken cancellationToken = default) =>
        Call(1L, cancellationToken);

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        Call(true, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
