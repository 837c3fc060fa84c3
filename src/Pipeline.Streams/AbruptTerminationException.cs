namespace Pipeline.Streams;

/// <summary>A stream was stopped from outside (materializer shutdown, actor system termination) before it finished.</summary>
public sealed class AbruptTerminationException(string message) : Exception(message);
