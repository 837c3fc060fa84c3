using Pipeline.Persistence.Snapshots;

namespace Pipeline.Persistence.CircuitBreaker;

/// <summary>Puts a circuit breaker in front of any <see cref="ISnapshotStore"/>, as for the journal.</summary>
public sealed class CircuitBreakingSnapshotStore : ISnapshotStore
{
    private readonly ISnapshotStore _inner;

    /// <summary>Wraps <paramref name="inner"/>; disposing this disposes it.</summary>
    public CircuitBreakingSnapshotStore(ISnapshotStore inner, JournalCircuitBreaker breaker)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Breaker = breaker ?? throw new ArgumentNullException(nameof(breaker));
    }

    /// <summary>The breaker, so callers can observe its state.</summary>
    public JournalCircuitBreaker Breaker { get; }

    /// <inheritdoc />
    public Task SaveAsync(SnapshotRecord snapshot, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync(async ct =>
        {
            await _inner.SaveAsync(snapshot, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<SnapshotRecord?> LoadLatestAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync(ct => _inner.LoadLatestAsync(persistenceId, criteria, ct), cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync(async ct =>
        {
            await _inner.DeleteAsync(metadata, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync(async ct =>
        {
            await _inner.DeleteAsync(persistenceId, criteria, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
