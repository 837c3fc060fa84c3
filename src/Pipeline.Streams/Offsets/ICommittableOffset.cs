namespace Pipeline.Streams.Offsets;

/// <summary>Something that carries the position of a record in a log source, to commit once it is processed.</summary>
public interface ICommittableOffset
{
    /// <summary>The source (stream, partition) the record came from.</summary>
    string SourceId { get; }

    /// <summary>The record's offset in that source.</summary>
    long Offset { get; }
}
