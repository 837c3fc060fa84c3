namespace Pipeline.Persistence.Query;

/// <summary>
/// Persistence queries (Akka's read journal): read-side projections and stream resumption read the journal
/// through these. "Current" variants end at the events stored when they run; live variants keep going and
/// emit new events as they are committed, until cancelled.
/// </summary>
public interface IReadJournal
{
    /// <summary>Events of one persistence id in sequence order, fromSequenceNr..toSequenceNr inclusive, then completes.</summary>
    IAsyncEnumerable<EventEnvelope> CurrentEventsByPersistenceId(string persistenceId, long fromSequenceNr, long toSequenceNr, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="CurrentEventsByPersistenceId"/>, then keeps emitting new events until toSequenceNr is reached or it is cancelled.</summary>
    IAsyncEnumerable<EventEnvelope> EventsByPersistenceId(string persistenceId, long fromSequenceNr, long toSequenceNr, CancellationToken cancellationToken = default);

    /// <summary>Events carrying <paramref name="tag"/> with an offset strictly greater than <paramref name="offset"/>, in offset order, then completes.</summary>
    /// <param name="tag">The tag to follow.</param>
    /// <param name="offset">Exclusive start: 0 for the beginning, or the last offset already processed.</param>
    /// <param name="cancellationToken">Stops the query.</param>
    IAsyncEnumerable<EventEnvelope> CurrentEventsByTag(string tag, long offset, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="CurrentEventsByTag"/>, then keeps emitting newly committed tagged events until cancelled; never skips one that commits late.</summary>
    IAsyncEnumerable<EventEnvelope> EventsByTag(string tag, long offset, CancellationToken cancellationToken = default);

    /// <summary>Every persistence id in the journal, each once, then completes.</summary>
    IAsyncEnumerable<string> CurrentPersistenceIds(CancellationToken cancellationToken = default);

    /// <summary>Every persistence id, each once, including ones that appear later, until cancelled.</summary>
    IAsyncEnumerable<string> PersistenceIds(CancellationToken cancellationToken = default);
}
