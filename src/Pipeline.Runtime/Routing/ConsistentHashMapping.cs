namespace Pipeline.Runtime.Routing;

/// <summary>
/// Maps a message to its consistent-hashing key without touching the message type; returns null when it does not
/// know the message (the router then falls back to <see cref="IConsistentHashable"/>).
/// </summary>
public delegate object? ConsistentHashMapping(object message);
