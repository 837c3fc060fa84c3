namespace Pipeline.Streams.Dsl;

/// <summary>GroupBy met more distinct keys at once than its bound on substreams.</summary>
public sealed class TooManySubstreamsException(string message) : Exception(message);
