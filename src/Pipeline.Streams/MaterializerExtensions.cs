using Pipeline.Runtime.Actors;

namespace Pipeline.Streams;

/// <summary>Akka-style access to a materializer from an actor system.</summary>
public static class MaterializerExtensions
{
    /// <summary>Creates a materializer for <paramref name="system"/> (cheap; streams it runs stop with the system).</summary>
    public static Materializer Materializer(this ActorSystem system, MaterializerSettings? settings = null)
        => Streams.Materializer.Create(system, settings);
}
