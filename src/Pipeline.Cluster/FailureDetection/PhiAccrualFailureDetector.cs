namespace Pipeline.Cluster.FailureDetection;

/// <summary>
/// The phi-accrual failure detector (Hayashibara et al., as in Akka): instead of a yes/no timeout it rates how
/// unlikely the silence since the last heartbeat is, given the observed intervals; above the threshold the node
/// counts as unavailable. Thread-safe; time comes from an injectable <see cref="TimeProvider"/>.
/// </summary>
public sealed class PhiAccrualFailureDetector
{
    private readonly object _gate = new();
    private readonly FailureDetectorSettings _settings;
    private readonly TimeProvider _clock;
    private readonly HeartbeatHistory _history;
    private long? _lastTimestamp;

    /// <summary>Creates a detector that has seen no heartbeat yet (phi 0 until the first one).</summary>
    public PhiAccrualFailureDetector(FailureDetectorSettings settings, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
        _clock = clock ?? TimeProvider.System;
        _history = new HeartbeatHistory(settings.MaxSampleSize);
    }

    /// <summary>True once a heartbeat was recorded.</summary>
    public bool IsMonitoring
    {
        get { lock (_gate) return _lastTimestamp.HasValue; }
    }

    /// <summary>True while phi is below the threshold (always true before the first heartbeat).</summary>
    public bool IsAvailable => Phi < _settings.Threshold;

    /// <summary>Current suspicion level.</summary>
    public double Phi
    {
        get
        {
            lock (_gate)
            {
                if (_lastTimestamp is not { } last) return 0.0;
                var elapsed = _clock.GetElapsedTime(last, _clock.GetTimestamp()).TotalMilliseconds;
                var mean = _history.Mean + _settings.AcceptableHeartbeatPause.TotalMilliseconds;
                var stdDeviation = Math.Max(_history.StdDeviation, _settings.MinStdDeviation.TotalMilliseconds);
                return ComputePhi(elapsed, mean, stdDeviation);
            }
        }
    }

    /// <summary>Records a heartbeat (or heartbeat response) from the monitored node.</summary>
    public void Heartbeat()
    {
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            if (_lastTimestamp is not { } last)
            {
                // bootstrap the statistics with the estimate, as Akka does: mean ± mean/4
                var estimate = _settings.FirstHeartbeatEstimate.TotalMilliseconds;
                _history.Add(estimate - estimate / 4);
                _history.Add(estimate + estimate / 4);
            }
            else
            {
                var interval = _clock.GetElapsedTime(last, now).TotalMilliseconds;
                // a heartbeat ending a suspected pause is not a normal interval: keep it out of the statistics
                var mean = _history.Mean + _settings.AcceptableHeartbeatPause.TotalMilliseconds;
                var stdDeviation = Math.Max(_history.StdDeviation, _settings.MinStdDeviation.TotalMilliseconds);
                if (ComputePhi(interval, mean, stdDeviation) < _settings.Threshold) _history.Add(interval);
            }
            _lastTimestamp = now;
        }
    }

    /// <summary>
    /// Phi for <paramref name="elapsedMs"/> since the last heartbeat, using the logistic approximation of the
    /// normal distribution's tail: phi = -log10(P(interval &gt; elapsed)).
    /// </summary>
    public static double ComputePhi(double elapsedMs, double meanMs, double stdDeviationMs)
    {
        var y = (elapsedMs - meanMs) / stdDeviationMs;
        var e = Math.Exp(-y * (1.5976 + 0.070566 * y * y));
        return elapsedMs > meanMs ? -Math.Log10(e / (1.0 + e)) : -Math.Log10(1.0 - 1.0 / (1.0 + e));
    }
}
