namespace Pipeline.Persistence.Query;

/// <summary>
/// An event as a persistence query returns it. <see cref="Offset"/> is the journal's global ordering: pass the
/// last offset you processed back to a tag query to resume right after it.
/// </summary>
/// <param name="Offset">Global ordering of the event in the journal (strictly increasing in tag queries).</param>
/// <param name="PersistenceId">The entity that wrote the event.</param>
/// <param name="SequenceNr">The event's position in its entity's stream.</param>
/// <param name="Timestamp">When the event was persisted (UTC).</param>
/// <param name="SerializerId">Id of the serializer that produced <paramref name="Payload"/>.</param>
/// <param name="Manifest">Type hint for the serializer.</param>
/// <param name="Payload">Serialized event bytes.</param>
/// <param name="WriterId">Identity of the writing actor incarnation.</param>
public sealed record EventEnvelope(
    long Offset,
    string PersistenceId,
    long SequenceNr,
    DateTimeOffset Timestamp,
    int SerializerId,
    string Manifest,
    ReadOnlyMemory<byte> Payload,
    string WriterId);
