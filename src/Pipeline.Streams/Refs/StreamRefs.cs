using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Refs;

/// <summary>
/// Stream references (Akka's StreamRefs): hand a running stream's output or input to another node inside a
/// message. Demand crosses the nodes as credit (the receiver grants <see cref="StreamRefSettings.BufferCapacity"/>
/// elements ahead), so a slow consumer on one node slows the producer on the other instead of filling a queue;
/// elements travel numbered, in batches; completion and failure propagate; a side that never attaches times out;
/// each side death-watches the other, so a stopped stream or a dead node fails its partner. Built on
/// <c>IActorRef</c> only: across nodes the references are the cluster's remote refs.
/// </summary>
public static class StreamRefs
{
    /// <summary>
    /// A sink whose materialized value is a <see cref="ISourceRef{T}"/> to send elsewhere: the stream running into
    /// this sink is pulled at the pace of whoever runs the ref's <see cref="ISourceRef{T}.Source"/>.
    /// </summary>
    public static Sink<T, Task<ISourceRef<T>>> SourceRef<T>(StreamRefSettings? settings = null) =>
        Sink.FromGraph<T, Task<SourceRef<T>>>(new StreamRefProducerStage<T>(null, (settings ?? StreamRefSettings.Default).Validate()))
            .MapMaterializedValue(static t => t.ContinueWith(static r => (ISourceRef<T>)r.GetAwaiter().GetResult(), TaskScheduler.Default));

    /// <summary>
    /// A source whose materialized value is a <see cref="ISinkRef{T}"/> to send elsewhere: what the other side runs
    /// into the ref's <see cref="ISinkRef{T}.Sink"/> comes out of this source, at this stream's pace.
    /// </summary>
    public static Source<T, Task<ISinkRef<T>>> SinkRef<T>(StreamRefSettings? settings = null) =>
        Source.FromGraph<T, Task<SinkRef<T>>>(new StreamRefConsumerStage<T>(null, (settings ?? StreamRefSettings.Default).Validate()))
            .MapMaterializedValue(static t => t.ContinueWith(static r => (ISinkRef<T>)r.GetAwaiter().GetResult(), TaskScheduler.Default));
}
