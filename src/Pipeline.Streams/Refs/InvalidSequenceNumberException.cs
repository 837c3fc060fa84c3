namespace Pipeline.Streams.Refs;

/// <summary>Elements of a stream reference arrived out of order or with a gap (a message was lost): the stream fails rather than skip data.</summary>
public sealed class InvalidSequenceNumberException(long expected, long got)
    : Exception($"Stream reference: expected sequence number {expected}, got {got}; a message was lost or reordered.")
{
    /// <summary>The sequence number that was due.</summary>
    public long Expected { get; } = expected;

    /// <summary>The one that arrived.</summary>
    public long Got { get; } = got;
}
