namespace Pipeline.Streams.Refs;

/// <summary>The stream on the other side of a stream reference failed; the message carries its reason.</summary>
public sealed class RemoteStreamRefFailedException(string message) : Exception(message);
