namespace Pipeline.Streams.Quarantine;

/// <summary>The dead-letter output of connectors for malformed records. Implementations must not lose records and count them.</summary>
public interface IQuarantine
{
    /// <summary>Sets a malformed record aside.</summary>
    ValueTask QuarantineAsync(QuarantinedRecord record, CancellationToken cancellationToken = default);

    /// <summary>How many records were quarantined.</summary>
    long Count { get; }
}
