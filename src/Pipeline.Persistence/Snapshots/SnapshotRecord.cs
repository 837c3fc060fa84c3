namespace Pipeline.Persistence.Snapshots;

/// <summary>An already-serialized snapshot as the snapshot store keeps it.</summary>
/// <param name="Metadata">Whose snapshot, up to which event, taken when.</param>
/// <param name="SerializerId">Id of the serializer that produced <paramref name="Payload"/>.</param>
/// <param name="Manifest">Type hint the serializer needs to read the payload back.</param>
/// <param name="Payload">Serialized state bytes.</param>
public sealed record SnapshotRecord(SnapshotMetadata Metadata, int SerializerId, string Manifest, ReadOnlyMemory<byte> Payload)
{
    /// <summary>Checks the fields a snapshot store relies on and throws a clear <see cref="ArgumentException"/> otherwise.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Metadata);
        if (string.IsNullOrEmpty(Metadata.PersistenceId))
            throw new ArgumentException("SnapshotRecord.Metadata.PersistenceId must be a non-empty string.", nameof(Metadata));
        if (Metadata.SequenceNr < 0)
            throw new ArgumentException($"SnapshotRecord.Metadata.SequenceNr must be >= 0 (persistence id '{Metadata.PersistenceId}', got {Metadata.SequenceNr}).", nameof(Metadata));
        if (Manifest is null)
            throw new ArgumentException($"SnapshotRecord.Manifest must not be null (persistence id '{Metadata.PersistenceId}'); use \"\" when the serializer needs none.", nameof(Manifest));
    }
}
