namespace Pipeline.Streams.Dsl;

/// <summary>An enforcing Throttle received elements faster than its rate.</summary>
public sealed class RateExceededException(string message) : Exception(message);
