namespace Pipeline.Streams.Refs;

/// <summary>The other side of a stream reference did not attach (or answer) within <see cref="StreamRefSettings.SubscriptionTimeout"/>.</summary>
public sealed class StreamRefSubscriptionTimeoutException(string message) : Exception(message);
