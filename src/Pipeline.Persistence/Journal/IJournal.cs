namespace Pipeline.Persistence.Journal;

/// <summary>
/// The event journal plugin interface: where persistent actors append events and replay them on recovery.
/// Implementations batch concurrent writes; each caller awaits only its own result.
/// </summary>
public interface IJournal : IAsyncDisposable
{
    /// <summary>
    /// Stores several atomic writes. Each one is all-or-nothing; one rejected write does not fail the others.
    /// </summary>
    /// <returns>One result per write, in the order given.</returns>
    /// <exception cref="Exception">The database failed: the outcome of every write in the call is unknown.</exception>
    Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default);

    /// <summary>Stores one atomic write (the PersistAsync hot path: no list allocation).</summary>
    Task<WriteResult> WriteAsync(AtomicWrite write, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the non-deleted events of a persistence id with fromSequenceNr &lt;= sequence nr &lt;= toSequenceNr,
    /// in sequence order, at most <paramref name="max"/> of them. Replayed events carry no tags (an empty list):
    /// recovery does not need them, and leaving them out keeps replay a single-table scan.
    /// </summary>
    IAsyncEnumerable<PersistentRepr> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, CancellationToken cancellationToken = default);

    /// <summary>Highest sequence number ever stored for the persistence id, deleted events included; 0 when none.</summary>
    Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the events up to and including <paramref name="toSequenceNr"/> as deleted (logical delete): they are no
    /// longer replayed or queried, while the highest sequence number stays known so it is never reused.
    /// </summary>
    Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default);
}
