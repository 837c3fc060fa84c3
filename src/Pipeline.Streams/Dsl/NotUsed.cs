namespace Pipeline.Streams.Dsl;

/// <summary>The materialized value of stages that have none.</summary>
public sealed class NotUsed
{
    private NotUsed() { }

    /// <summary>The only instance.</summary>
    public static NotUsed Instance { get; } = new();

    /// <inheritdoc />
    public override string ToString() => "NotUsed";
}
