namespace Pipeline.Streams.Quarantine;

/// <summary>
/// A malformed input record set aside instead of being dropped or stopping the stream: where it came from, where
/// exactly (file:line, stream offset, request id and line), why it was rejected, and its raw text (truncated).
/// </summary>
/// <param name="Source">The connector and source id (e.g. "file", "http", "rabbitmq:orders").</param>
/// <param name="Position">Where in the source: "data/a.jsonl:17", "offset 4211", "request 12 line 3".</param>
/// <param name="Reason">Why it was rejected, in words.</param>
/// <param name="Raw">The raw record text (at most <see cref="MaxRawLength"/> characters).</param>
public sealed record QuarantinedRecord(string Source, string Position, string Reason, string Raw)
{
    /// <summary>The longest raw text kept.</summary>
    public const int MaxRawLength = 4096;

    /// <summary>Creates a record, truncating the raw text.</summary>
    public static QuarantinedRecord Create(string source, string position, string reason, string raw)
        => new(source, position, reason, raw.Length > MaxRawLength ? raw[..MaxRawLength] + "…" : raw);
}
