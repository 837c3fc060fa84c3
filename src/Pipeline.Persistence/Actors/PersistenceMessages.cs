using Pipeline.Persistence.Snapshots;
using Pipeline.Runtime.Actors;

namespace Pipeline.Persistence.Actors;

/// <summary>Given to ReceiveRecover once every event has been replayed; commands are handled from now on.</summary>
public sealed class RecoveryCompleted : INoSerializationVerificationNeeded
{
    private RecoveryCompleted() { }

    /// <summary>The single instance.</summary>
    public static RecoveryCompleted Instance { get; } = new();
}

/// <summary>Given to ReceiveRecover first when recovery starts from a snapshot.</summary>
public sealed record SnapshotOffer(SnapshotMetadata Metadata, object Snapshot) : INoSerializationVerificationNeeded;

/// <summary>An event with tags, for queries by tag; the handler and recovery see the inner event.</summary>
public sealed record Tagged(object Payload, IReadOnlyList<string> Tags);

/// <summary>The snapshot was stored.</summary>
public sealed record SaveSnapshotSuccess(SnapshotMetadata Metadata) : INoSerializationVerificationNeeded;

/// <summary>Storing the snapshot failed.</summary>
public sealed record SaveSnapshotFailure(SnapshotMetadata Metadata, Exception Cause) : INoSerializationVerificationNeeded;

/// <summary>Snapshots were deleted.</summary>
public sealed record DeleteSnapshotsSuccess(SnapshotSelectionCriteria Criteria) : INoSerializationVerificationNeeded;

/// <summary>Deleting snapshots failed.</summary>
public sealed record DeleteSnapshotsFailure(SnapshotSelectionCriteria Criteria, Exception Cause) : INoSerializationVerificationNeeded;

/// <summary>Events up to a sequence number were deleted.</summary>
public sealed record DeleteMessagesSuccess(long ToSequenceNr) : INoSerializationVerificationNeeded;

/// <summary>Deleting events failed.</summary>
public sealed record DeleteMessagesFailure(long ToSequenceNr, Exception Cause) : INoSerializationVerificationNeeded;

/// <summary>What a recovery starts from and how far it replays.</summary>
public sealed record Recovery(SnapshotSelectionCriteria FromSnapshot, long ToSequenceNr = long.MaxValue, long ReplayMax = long.MaxValue)
{
    /// <summary>Latest snapshot, then every later event.</summary>
    public static Recovery Default { get; } = new(SnapshotSelectionCriteria.Latest);

    /// <summary>No recovery at all (a fresh actor that still persists; sequence numbers continue).</summary>
    public static Recovery None { get; } = new(SnapshotSelectionCriteria.None, 0, 0);
}

/// <summary>
/// Recovery could not rebuild the actor's state (an event or snapshot that cannot be read): the actor stops
/// instead of continuing with partial state. The message names the persistence id, sequence number and manifest.
/// </summary>
public sealed class RecoveryFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RecoveryFailedException(string persistenceId, long sequenceNr, string manifest, int serializerId, Exception cause)
        : base($"Recovery of '{persistenceId}' failed at sequence nr {sequenceNr}: cannot read payload with serializer {serializerId} and manifest '{manifest}': {cause.Message}", cause)
    {
        PersistenceId = persistenceId;
        SequenceNr = sequenceNr;
        Manifest = manifest;
    }

    /// <summary>The persistence id.</summary>
    public string PersistenceId { get; }

    /// <summary>The sequence number of the unreadable event (or snapshot).</summary>
    public long SequenceNr { get; }

    /// <summary>Its manifest.</summary>
    public string Manifest { get; }
}

/// <summary>The journal refused an event (e.g. its sequence number is taken); the actor lives on.</summary>
public sealed class PersistRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PersistRejectedException(string message) : base(message) { }
}
