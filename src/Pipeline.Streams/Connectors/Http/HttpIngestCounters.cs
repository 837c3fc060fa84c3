namespace Pipeline.Streams.Connectors.Http;

/// <summary>What the HTTP ingest endpoint did so far.</summary>
/// <param name="AcceptedRecords">Records put into the stream.</param>
/// <param name="QuarantinedRecords">Malformed records and oversized bodies set aside.</param>
/// <param name="RejectedRequests">Requests answered 429 because the stream was backpressured.</param>
/// <param name="Requests">All requests.</param>
public sealed record HttpIngestCounters(long AcceptedRecords, long QuarantinedRecords, long RejectedRequests, long Requests);
