namespace Pipeline.Persistence.Configuration;

/// <summary>How the journal circuit breaker reacts to a failing database (section Pipeline:Persistence:CircuitBreaker).</summary>
public sealed class CircuitBreakerSettings
{
    /// <summary>Consecutive failures (or timeouts) that open the breaker.</summary>
    public int MaxFailures { get; set; } = 5;

    /// <summary>A call slower than this counts as a failure.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the breaker stays open before letting one trial call through (doubles on each failed trial).</summary>
    public TimeSpan ResetTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the exponentially growing reset timeout.</summary>
    public TimeSpan MaxResetTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
