namespace Pipeline.Cluster.FailureDetection;

/// <summary>Phi-accrual failure detector and heartbeat settings; the defaults are Akka's cluster defaults.</summary>
public sealed record FailureDetectorSettings
{
    /// <summary>How often each monitored node is sent a heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Phi above which a node is considered unreachable (8 ≈ one false positive in 10^8).</summary>
    public double Threshold { get; init; } = 8.0;

    /// <summary>Pause in heartbeats tolerated on top of the observed mean (GC pauses, network hiccups).</summary>
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Floor of the interval standard deviation, so that very regular heartbeats do not make phi jumpy.</summary>
    public TimeSpan MinStdDeviation { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Number of heartbeat intervals kept for the mean and deviation.</summary>
    public int MaxSampleSize { get; init; } = 1000;

    /// <summary>Assumed interval before any sample exists (bootstraps the statistics).</summary>
    public TimeSpan FirstHeartbeatEstimate { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Start monitoring a node that never answered after this long, so that a silent node becomes unreachable too.</summary>
    public TimeSpan ExpectedResponseAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first unusable setting.</summary>
    public void Validate()
    {
        if (HeartbeatInterval <= TimeSpan.Zero) throw new ArgumentException("FailureDetectorSettings.HeartbeatInterval must be positive.");
        if (!(Threshold > 0)) throw new ArgumentException("FailureDetectorSettings.Threshold must be positive.");
        if (AcceptableHeartbeatPause < TimeSpan.Zero) throw new ArgumentException("FailureDetectorSettings.AcceptableHeartbeatPause must not be negative.");
        if (MinStdDeviation <= TimeSpan.Zero) throw new ArgumentException("FailureDetectorSettings.MinStdDeviation must be positive.");
        if (MaxSampleSize < 2) throw new ArgumentException("FailureDetectorSettings.MaxSampleSize must be at least 2.");
        if (FirstHeartbeatEstimate <= TimeSpan.Zero) throw new ArgumentException("FailureDetectorSettings.FirstHeartbeatEstimate must be positive.");
        if (ExpectedResponseAfter <= TimeSpan.Zero) throw new ArgumentException("FailureDetectorSettings.ExpectedResponseAfter must be positive.");
    }
}
