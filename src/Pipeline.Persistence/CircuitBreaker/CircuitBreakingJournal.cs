using System.Runtime.CompilerServices;
using Pipeline.Persistence.Journal;

namespace Pipeline.Persistence.CircuitBreaker;

/// <summary>
/// Puts a <see cref="JournalCircuitBreaker"/> in front of any <see cref="IJournal"/>: database failures open it,
/// rejections (duplicates) do not, since the database answered.
/// </summary>
public sealed class CircuitBreakingJournal : IJournal
{
    private readonly IJournal _inner;

    /// <summary>Wraps <paramref name="inner"/>; disposing this disposes it.</summary>
    public CircuitBreakingJournal(IJournal inner, JournalCircuitBreaker breaker)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Breaker = breaker ?? throw new ArgumentNullException(nameof(breaker));
        _innerTimesOutWrites = inner is Sql.SqlJournal;
    }

    private readonly bool _innerTimesOutWrites;

    /// <summary>The breaker, so callers can observe its state.</summary>
    public JournalCircuitBreaker Breaker { get; }

    /// <inheritdoc />
    public Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync((_inner, writes), static (s, ct) => s._inner.WriteAsync(s.writes, ct), cancellationToken, applyCallTimeout: !_innerTimesOutWrites);

    /// <inheritdoc />
    public Task<WriteResult> WriteAsync(AtomicWrite write, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync((_inner, write), static (s, ct) => s._inner.WriteAsync(s.write, ct), cancellationToken, applyCallTimeout: !_innerTimesOutWrites);

    /// <inheritdoc />
    public async IAsyncEnumerable<PersistentRepr> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var trial = Breaker.Enter();
        var settled = false;
        try
        {
            await using var events = _inner.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                bool more;
                try
                {
                    more = await events.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    settled = true;
                    Breaker.RecordFailure(ex, trial);
                    throw;
                }
                if (!more)
                    break;
                yield return events.Current;
            }
            settled = true;
            Breaker.RecordSuccess(trial);
        }
        finally
        {
            // the consumer stopped early or cancelled: the database did not fail, but did not prove itself either
            if (!settled)
                Breaker.Abandon(trial);
        }
    }

    /// <inheritdoc />
    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr = 0, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync(ct => _inner.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, ct), cancellationToken);

    /// <inheritdoc />
    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync(async ct =>
        {
            await _inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
