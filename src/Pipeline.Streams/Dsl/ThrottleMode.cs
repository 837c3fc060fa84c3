namespace Pipeline.Streams.Dsl;

/// <summary>How Throttle treats elements above the rate.</summary>
public enum ThrottleMode
{
    /// <summary>Delay them until the rate allows (backpressure).</summary>
    Shaping,
    /// <summary>Fail the stream with <see cref="RateExceededException"/>.</summary>
    Enforcing,
}
