namespace Pipeline.Persistence.Journal;

/// <summary>
/// One already-serialized event as the journal stores it. The persistent actor serializes its event
/// through the kernel's serializer registry and hands the bytes here, so the journal never needs to know event types.
/// </summary>
/// <param name="PersistenceId">Identity of the event-sourced entity that owns the event.</param>
/// <param name="SequenceNr">Position of the event in that entity's stream, starting at 1.</param>
/// <param name="Payload">Serialized event bytes.</param>
/// <param name="SerializerId">Id of the serializer that produced <paramref name="Payload"/>.</param>
/// <param name="Manifest">Type hint the serializer needs to read the payload back.</param>
/// <param name="WriterId">Identity of the writing actor incarnation, to spot two writers on one stream.</param>
/// <param name="Tags">Tags that make the event visible to EventsByTag queries; empty when untagged.</param>
/// <param name="Timestamp">When the event was persisted (UTC).</param>
public sealed record PersistentRepr(
    string PersistenceId,
    long SequenceNr,
    ReadOnlyMemory<byte> Payload,
    int SerializerId,
    string Manifest,
    string WriterId,
    IReadOnlyList<string> Tags,
    DateTimeOffset Timestamp)
{
    /// <summary>Checks the fields a journal relies on and throws a clear <see cref="ArgumentException"/> otherwise.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(PersistenceId))
            throw new ArgumentException("PersistentRepr.PersistenceId must be a non-empty string.", nameof(PersistenceId));
        if (SequenceNr < 1)
            throw new ArgumentException($"PersistentRepr.SequenceNr must be >= 1 (persistence id '{PersistenceId}', got {SequenceNr}).", nameof(SequenceNr));
        if (Manifest is null)
            throw new ArgumentException($"PersistentRepr.Manifest must not be null (persistence id '{PersistenceId}', sequence nr {SequenceNr}); use \"\" when the serializer needs none.", nameof(Manifest));
        if (WriterId is null)
            throw new ArgumentException($"PersistentRepr.WriterId must not be null (persistence id '{PersistenceId}').", nameof(WriterId));
        if (Tags is null)
            throw new ArgumentException($"PersistentRepr.Tags must not be null (persistence id '{PersistenceId}'); use an empty array.", nameof(Tags));
        foreach (var tag in Tags)
        {
            if (string.IsNullOrEmpty(tag))
                throw new ArgumentException($"PersistentRepr.Tags must not contain null or empty tags (persistence id '{PersistenceId}', sequence nr {SequenceNr}).", nameof(Tags));
        }
    }
}
