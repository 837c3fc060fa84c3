namespace Pipeline.Streams.Offsets;

/// <summary>
/// Where log sources keep the last offset whose records were fully processed, per source id (a stream, a
/// partition). The broker keeps no consumer offsets over AMQP, so a restarted consumer resumes after the offset
/// loaded here. Implementations: in memory (tests), a file per source, and (wired by the host) Pipeline.Persistence.
/// </summary>
public interface IOffsetStore
{
    /// <summary>The last committed offset of <paramref name="sourceId"/>, or null when none was committed.</summary>
    ValueTask<long?> LoadAsync(string sourceId, CancellationToken cancellationToken = default);

    /// <summary>Durably records that every record of <paramref name="sourceId"/> up to <paramref name="offset"/> is processed.
    /// Offsets never go back: committing a lower offset than the stored one keeps the stored one.</summary>
    ValueTask CommitAsync(string sourceId, long offset, CancellationToken cancellationToken = default);
}
