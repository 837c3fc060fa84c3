namespace Pipeline.Benchmarks.PingPong;

/// <summary>The ball the pairs exchange (one instance per pair, reused: a preallocated message).</summary>
internal sealed class Ball;

/// <summary>Tells a client to put its first messages in flight.</summary>
internal sealed class Serve;
