using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Connectors.Generator;

/// <summary>
/// A synthetic source for load tests: element i is <c>generate(i)</c>, emitted at a configured rate (token bucket,
/// shaping: it slows down rather than bursting past the rate) and optionally a fixed count.
/// </summary>
public static class GeneratorSource
{
    /// <summary>Emits <c>generate(0)</c>, <c>generate(1)</c>, ... at <paramref name="elementsPerSecond"/> (unthrottled when null),
    /// <paramref name="count"/> elements in all (endless when null).</summary>
    public static Source<T, NotUsed> Create<T>(Func<long, T> generate, int? elementsPerSecond = null, long? count = null)
    {
        ArgumentNullException.ThrowIfNull(generate);
        if (count is < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count cannot be negative.");
        var source = Source.Unfold<long, T>(0L, i => count is { } c && i >= c ? null : (i + 1, generate(i)));
        if (elementsPerSecond is not { } rate) return source;
        if (rate < 1) throw new ArgumentOutOfRangeException(nameof(elementsPerSecond), rate, "The rate must be at least 1 element per second.");
        // a burst of a 100th of a second's worth keeps the rate smooth at high rates
        return source.Throttle(rate, TimeSpan.FromSeconds(1), Math.Max(1, rate / 100), ThrottleMode.Shaping);
    }
}
