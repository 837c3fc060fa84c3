namespace Pipeline.Persistence.Snapshots;

/// <summary>
/// The snapshot store plugin interface: persistent actors save their state now and then so that recovery
/// replays only the events after the newest snapshot.
/// </summary>
public interface ISnapshotStore : IAsyncDisposable
{
    /// <summary>Saves a snapshot; saving again for the same (persistence id, sequence nr) replaces it.</summary>
    Task SaveAsync(SnapshotRecord snapshot, CancellationToken cancellationToken = default);

    /// <summary>The newest snapshot (highest sequence nr) that matches the criteria, or null when none does.</summary>
    Task<SnapshotRecord?> LoadLatestAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);

    /// <summary>Deletes the snapshot the metadata names (by persistence id and sequence nr).</summary>
    Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>Deletes every snapshot of the persistence id that matches the criteria.</summary>
    Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);
}
