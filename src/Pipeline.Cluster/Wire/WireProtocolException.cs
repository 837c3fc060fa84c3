namespace Pipeline.Cluster.Wire;

/// <summary>
/// A peer sent bytes that are not a valid frame (over-size, truncated, unknown kind, bad protobuf, undefined
/// string index). The connection that carried them is closed; nothing else is affected.
/// </summary>
public sealed class WireProtocolException : Exception
{
    /// <summary>Creates the exception with a message naming what was wrong.</summary>
    public WireProtocolException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping the parser's error.</summary>
    public WireProtocolException(string message, Exception inner) : base(message, inner) { }
}
