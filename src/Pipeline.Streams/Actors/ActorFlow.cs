using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Actors;

/// <summary>Flows that talk to actors.</summary>
public static class ActorFlow
{
    /// <summary>
    /// Asks <paramref name="actor"/> for each element, with up to <paramref name="parallelism"/> asks in flight;
    /// emits the answers in element order. A timeout or a <see cref="Status.Failure"/> answer fails the stream
    /// unless the supervision decider resumes.
    /// </summary>
    public static Flow<TIn, TOut, NotUsed> Ask<TIn, TOut>(IActorRef actor, int parallelism, TimeSpan? timeout = null) where TIn : notnull
    {
        ArgumentNullException.ThrowIfNull(actor);
        return Flow.Create<TIn>().SelectAsync(parallelism, e => actor.Ask<TOut>(e, timeout));
    }
}
