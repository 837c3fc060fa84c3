using Pipeline.Runtime.Actors;
using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Actors;

/// <summary>
/// The actor behind <see cref="Source.ActorRef{T}"/>: elements of type T told to it go into the stream's bounded
/// buffer (overflow per strategy, drops counted); <see cref="Status.Success"/> or a <see cref="PoisonPill"/>
/// completes the stream, <see cref="Status.Failure"/> fails it. It stops when the stream stops.
/// </summary>
internal sealed class ActorSourceActor<T> : ReceiveActor
{
    public ActorSourceActor(ISourceQueue<T> queue)
    {
        Receive<T>(e => _ = queue.OfferAsync(e));
        Receive<Status.Success>(_ => queue.Complete());
        Receive<Status.Failure>(f => queue.Fail(f.Cause));
        Receive<StreamStopped>(_ => Context.Stop(Self));
        ReceiveAny(m => Unhandled(m));
        Queue = queue;
    }

    private ISourceQueue<T> Queue { get; }

    protected override void PreStart() =>
        Queue.WhenTerminated.ContinueWith(static (_, self) => ((IActorRef)self!).Tell(StreamStopped.Instance), Self, TaskScheduler.Default);

    protected override void PostStop() => Queue.Complete();

    internal sealed class StreamStopped : INoSerializationVerificationNeeded
    {
        internal static readonly StreamStopped Instance = new();
    }
}
