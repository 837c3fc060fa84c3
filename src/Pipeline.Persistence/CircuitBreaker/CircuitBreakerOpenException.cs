namespace Pipeline.Persistence.CircuitBreaker;

/// <summary>
/// Thrown instead of calling the database while the breaker is open: the store has failed repeatedly and
/// the call is refused fast; retry after <see cref="RetryAfter"/>.
/// </summary>
public sealed class CircuitBreakerOpenException : Exception
{
    /// <summary>Creates the error for a breaker that lets a trial call through after <paramref name="retryAfter"/>.</summary>
    public CircuitBreakerOpenException(string name, TimeSpan retryAfter, Exception? lastFailure)
        : base($"The {name} circuit breaker is open after repeated database failures; calls fail fast for another {retryAfter.TotalMilliseconds:F0} ms, then one trial call is let through.", lastFailure)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>How long until the breaker lets a trial call through.</summary>
    public TimeSpan RetryAfter { get; }
}
