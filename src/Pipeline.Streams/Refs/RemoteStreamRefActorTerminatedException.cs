namespace Pipeline.Streams.Refs;

/// <summary>The partner of a stream reference terminated (its stream stopped, or its node died) before the stream completed.</summary>
public sealed class RemoteStreamRefActorTerminatedException(string message) : Exception(message);
