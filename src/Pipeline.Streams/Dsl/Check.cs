namespace Pipeline.Streams.Dsl;

/// <summary>Argument checks with clear messages for operator parameters.</summary>
internal static class Check
{
    internal static int Positive(int value, string name)
        => value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");

    internal static long Positive(long value, string name)
        => value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");

    internal static TimeSpan Positive(TimeSpan value, string name)
        => value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive duration.");
}
