namespace Pipeline.Persistence.Snapshots;

/// <summary>Which snapshots a load or delete applies to: an inclusive window on sequence number and timestamp.</summary>
/// <param name="MaxSequenceNr">Highest sequence number to consider (inclusive).</param>
/// <param name="MaxTimestamp">Latest timestamp to consider (inclusive).</param>
/// <param name="MinSequenceNr">Lowest sequence number to consider (inclusive).</param>
/// <param name="MinTimestamp">Earliest timestamp to consider (inclusive).</param>
public sealed record SnapshotSelectionCriteria(long MaxSequenceNr, DateTimeOffset MaxTimestamp, long MinSequenceNr, DateTimeOffset MinTimestamp)
{
    /// <summary>Selects up to a sequence number, with no time limit.</summary>
    public SnapshotSelectionCriteria(long maxSequenceNr) : this(maxSequenceNr, DateTimeOffset.MaxValue, 0, DateTimeOffset.MinValue)
    {
    }

    /// <summary>Every snapshot: recovery's default, it picks the newest one.</summary>
    public static SnapshotSelectionCriteria Latest { get; } = new(long.MaxValue);

    /// <summary>No snapshot: recovery replays from the first event.</summary>
    public static SnapshotSelectionCriteria None { get; } = new(0, DateTimeOffset.MinValue, 0, DateTimeOffset.MinValue);
}
