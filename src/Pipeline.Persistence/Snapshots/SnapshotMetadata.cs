namespace Pipeline.Persistence.Snapshots;

/// <summary>Identifies one snapshot: whose it is, which event it covers and when it was taken.</summary>
/// <param name="PersistenceId">The entity the snapshot belongs to.</param>
/// <param name="SequenceNr">Sequence number of the last event folded into the snapshot.</param>
/// <param name="Timestamp">When the snapshot was taken (UTC).</param>
public sealed record SnapshotMetadata(string PersistenceId, long SequenceNr, DateTimeOffset Timestamp);
