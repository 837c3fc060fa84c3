using Pipeline.Streams.Supervision;

namespace Pipeline.Streams.Dsl;

/// <summary>
/// Settings attached to stages of a graph: a name, a supervision decider, the buffer size of an async boundary.
/// Inner settings win over outer ones (the stage's own first, then the enclosing graph's, then the materializer's).
/// </summary>
public sealed record Attributes
{
    /// <summary>No settings.</summary>
    public static Attributes None { get; } = new();

    /// <summary>The stage's name (shows up in errors).</summary>
    public string? Name { get; init; }

    /// <summary>How the stage handles failures of its user function.</summary>
    public Decider? SupervisionDecider { get; init; }

    /// <summary>The number of elements an async boundary into this stage buffers.</summary>
    public int? InputBufferSize { get; init; }

    /// <summary>Attributes with a name.</summary>
    public static Attributes CreateName(string name) => new() { Name = name };

    /// <summary>Attributes with a supervision decider.</summary>
    public static Attributes CreateSupervision(Decider decider) => new() { SupervisionDecider = decider };

    /// <summary>Attributes with an async-boundary buffer size.</summary>
    public static Attributes CreateInputBuffer(int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "An input buffer holds at least 1 element.");
        return new() { InputBufferSize = size };
    }

    /// <summary>These settings, with the unset ones taken from <paramref name="fallback"/>.</summary>
    public Attributes OrElse(Attributes fallback) => new()
    {
        Name = Name ?? fallback.Name,
        SupervisionDecider = SupervisionDecider ?? fallback.SupervisionDecider,
        InputBufferSize = InputBufferSize ?? fallback.InputBufferSize,
    };
}
