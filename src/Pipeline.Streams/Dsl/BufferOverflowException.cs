namespace Pipeline.Streams.Dsl;

/// <summary>A buffer with <see cref="OverflowStrategy.Fail"/> received an element while full.</summary>
public sealed class BufferOverflowException(string message) : Exception(message);
