namespace Pipeline.Streams.Restart;

/// <summary>
/// Backoff of RestartSource/RestartFlow/RestartSink: the n-th restart waits min(MinBackoff * 2^n, MaxBackoff)
/// plus up to RandomFactor of jitter; after MaxRestarts restarts within MaxRestartsWithin the wrapper gives up
/// (completes, or fails with the last failure).
/// </summary>
public sealed record RestartSettings
{
    /// <summary>Creates settings; both backoffs must be positive and min at most max.</summary>
    public RestartSettings(TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor = 0.2)
    {
        if (minBackoff <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(minBackoff), minBackoff, "minBackoff must be positive.");
        if (maxBackoff < minBackoff) throw new ArgumentOutOfRangeException(nameof(maxBackoff), maxBackoff, "maxBackoff must be at least minBackoff.");
        if (randomFactor is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(randomFactor), randomFactor, "randomFactor is between 0 and 1.");
        MinBackoff = minBackoff;
        MaxBackoff = maxBackoff;
        RandomFactor = randomFactor;
    }

    /// <summary>The first backoff.</summary>
    public TimeSpan MinBackoff { get; }

    /// <summary>The largest backoff.</summary>
    public TimeSpan MaxBackoff { get; }

    /// <summary>Jitter, as a fraction of the backoff.</summary>
    public double RandomFactor { get; }

    /// <summary>How many restarts are allowed within <see cref="MaxRestartsWithin"/> (unbounded when null).</summary>
    public int? MaxRestarts { get; init; }

    /// <summary>The window for <see cref="MaxRestarts"/>; the restart count also resets after running this long without failure.</summary>
    public TimeSpan MaxRestartsWithin { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The backoff before restart number <paramref name="restartCount"/> (0-based).</summary>
    public TimeSpan BackoffFor(int restartCount, double jitter01)
    {
        var exp = Math.Min(30, restartCount);
        var ticks = Math.Min(MaxBackoff.Ticks, MinBackoff.Ticks * Math.Pow(2, exp));
        return TimeSpan.FromTicks((long)(ticks * (1 + RandomFactor * jitter01)));
    }
}
