namespace Pipeline.Persistence.Journal;

/// <summary>Conveniences over <see cref="IJournal"/> that every caller would otherwise rewrite.</summary>
public static class JournalExtensions
{
    /// <summary>Replays every non-deleted event of a persistence id from <paramref name="fromSequenceNr"/> on.</summary>
    public static IAsyncEnumerable<PersistentRepr> ReplayAllAsync(this IJournal journal, string persistenceId, long fromSequenceNr = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journal);
        return journal.ReplayAsync(persistenceId, fromSequenceNr, long.MaxValue, long.MaxValue, cancellationToken);
    }
}
