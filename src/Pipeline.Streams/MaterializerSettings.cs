namespace Pipeline.Streams;

/// <summary>Defaults of a <see cref="Materializer"/>.</summary>
public sealed record MaterializerSettings
{
    /// <summary>The defaults: 16-element async-boundary buffers.</summary>
    public static MaterializerSettings Default { get; } = new();

    /// <summary>Elements buffered by an async boundary unless a stage's attributes say otherwise.</summary>
    public int InputBufferSize { get; init; } = 16;
}
