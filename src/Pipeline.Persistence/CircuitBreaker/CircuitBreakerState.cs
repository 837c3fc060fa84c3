namespace Pipeline.Persistence.CircuitBreaker;

/// <summary>The three states of a circuit breaker.</summary>
public enum CircuitBreakerState
{
    /// <summary>Calls pass; consecutive failures are counted.</summary>
    Closed = 0,

    /// <summary>Calls fail fast without touching the database until the reset timeout has passed.</summary>
    Open = 1,

    /// <summary>One trial call is let through: success closes the breaker, failure opens it again for longer.</summary>
    HalfOpen = 2,
}
