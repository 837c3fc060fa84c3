namespace Pipeline.Streams.Offsets;

/// <summary>A record read from a log source, with the offset to commit once the downstream processed it.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="SourceId">The source (stream, partition) it came from.</param>
/// <param name="Offset">Its offset in that source.</param>
/// <param name="Value">The record.</param>
public sealed record CommittableRecord<T>(string SourceId, long Offset, T Value) : ICommittableOffset;
