namespace Pipeline.Streams.Offsets;

/// <summary>How often offsets are committed: after <see cref="MaxBatch"/> records or <see cref="MaxInterval"/>, whichever first.</summary>
public sealed record CommitterSettings
{
    /// <summary>Records per commit at most.</summary>
    public int MaxBatch { get; init; } = 1000;

    /// <summary>The longest time a processed record waits for its commit.</summary>
    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Commits the committing sink runs at once (the stream keeps flowing while they run); a full batch beyond that waits.</summary>
    public int MaxInFlight { get; init; } = 4;
}
