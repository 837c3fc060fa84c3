using System.Threading.Channels;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Scheduling;
using Pipeline.Streams.Actors;
using Pipeline.Streams.Implementation;
using Pipeline.Streams.Stages.FanIn;
using Pipeline.Streams.Stages.Sources;

namespace Pipeline.Streams.Dsl;

/// <summary>Factories of sources.</summary>
public static class Source
{
    /// <summary>Emits the items of <paramref name="items"/> (enumerated afresh per run).</summary>
    public static Source<T, NotUsed> From<T>(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Source<T, NotUsed>.FromStage(new EnumerableSource<T>(items));
    }

    /// <summary>Same as <see cref="From{T}(IEnumerable{T})"/> (Akka.NET's name).</summary>
    public static Source<T, NotUsed> FromEnumerable<T>(IEnumerable<T> items) => From(items);

    /// <summary>Emits the items of an async enumerable; the token passed to <paramref name="items"/> is cancelled when the stream stops.</summary>
    public static Source<T, NotUsed> FromAsyncEnumerable<T>(Func<CancellationToken, IAsyncEnumerable<T>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Source<T, NotUsed>.FromStage(new AsyncEnumerableSource<T>(items));
    }

    /// <summary>Emits the items of an async enumerable.</summary>
    public static Source<T, NotUsed> FromAsyncEnumerable<T>(IAsyncEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return FromAsyncEnumerable(_ => items);
    }

    /// <summary>Emits one element.</summary>
    public static Source<T, NotUsed> Single<T>(T element) => From([element]);

    /// <summary>Completes at once.</summary>
    public static Source<T, NotUsed> Empty<T>() => Source<T, NotUsed>.FromStage(new FailedSource<T>(null));

    /// <summary>Fails at once with <paramref name="cause"/>.</summary>
    public static Source<T, NotUsed> Failed<T>(Exception cause)
    {
        ArgumentNullException.ThrowIfNull(cause);
        return Source<T, NotUsed>.FromStage(new FailedSource<T>(cause));
    }

    /// <summary>Emits <paramref name="tick"/> every <paramref name="interval"/> while there is demand (ticks without
    /// demand are skipped); the materialized cancelable completes the source.</summary>
    public static Source<T, ICancelable> Tick<T>(TimeSpan initialDelay, TimeSpan interval, T tick)
        => Source<T, ICancelable>.FromStage(new TickSource<T>(initialDelay, Check.Positive(interval, nameof(interval)), tick));

    /// <summary>Emits start, start+1, ... up to end inclusive.</summary>
    public static Source<long, NotUsed> Range(long start, long end) => Source<long, NotUsed>.FromStage(new RangeSource(start, end));

    /// <summary>Emits <paramref name="element"/> forever (bounded by demand).</summary>
    public static Source<T, NotUsed> Repeat<T>(T element) => From(RepeatOf(element));

    private static IEnumerable<T> RepeatOf<T>(T element)
    {
        while (true) yield return element;
    }

    /// <summary>Emits elements generated from a state until <paramref name="next"/> returns no element.</summary>
    public static Source<T, NotUsed> Unfold<TState, T>(TState seed, Func<TState, (TState State, T Element)?> next) => From(UnfoldOf(seed, next));

    private static IEnumerable<T> UnfoldOf<TState, T>(TState state, Func<TState, (TState, T)?> next)
    {
        while (next(state) is var (s, e))
        {
            state = s;
            yield return e;
        }
    }

    /// <summary>Reads a channel; completes (or fails) with it.</summary>
    public static Source<T, NotUsed> FromChannel<T>(ChannelReader<T> reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Source<T, NotUsed>.FromStage(new ChannelSource<T>(reader));
    }

    /// <summary>Merges several sources of one type; order per source is preserved.</summary>
    public static Source<T, NotUsed> Merge<T>(params Source<T, NotUsed>[] sources)
    {
        if (sources.Length == 0) return Empty<T>();
        var (graph, _) = GraphBlueprint.Combine(sources.Select(s => s.Graph).ToArray(), new MergeStage<T>(sources.Length), fanIn: true);
        return new Source<T, NotUsed>(graph, static (_, _) => NotUsed.Instance);
    }

    /// <summary>Creates a source from a custom stage.</summary>
    public static Source<T, TMat> FromGraph<T, TMat>(GraphStageWithMaterializedValue<TMat> stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        if (stage.Shape.Inlets.Count != 0 || stage.Shape.Outlets.Count != 1) throw new ArgumentException($"A source stage has exactly one outlet and no inlet; {stage.Name} has {stage.Shape.Inlets.Count} inlets and {stage.Shape.Outlets.Count} outlets.", nameof(stage));
        return Source<T, TMat>.FromStage(stage);
    }

    /// <summary>
    /// A source fed from outside through the materialized <see cref="ISourceQueue{T}"/>: a bounded buffer of
    /// <paramref name="bufferSize"/> elements; when full, <see cref="OverflowStrategy.Backpressure"/> makes
    /// <c>OfferAsync</c> wait, the drop strategies drop (and count), Fail fails the stream.
    /// </summary>
    public static Source<T, ISourceQueue<T>> Queue<T>(int bufferSize, OverflowStrategy overflow)
        => Source<T, QueueSourceStage<T>.State>.FromStage(new QueueSourceStage<T>(Check.Positive(bufferSize, nameof(bufferSize)), overflow))
            .MapMaterializedValue(static q => (ISourceQueue<T>)q);

    /// <summary>
    /// A source fed by telling elements to the materialized actor: a bounded buffer of <paramref name="bufferSize"/>
    /// with a dropping or failing overflow strategy (an actor cannot be backpressured: use <see cref="Queue{T}"/> for
    /// that). <see cref="Status.Success"/> or a PoisonPill completes the stream, <see cref="Status.Failure"/> fails it.
    /// </summary>
    public static Source<T, IActorRef> ActorRef<T>(int bufferSize, OverflowStrategy overflow)
    {
        if (overflow == OverflowStrategy.Backpressure)
            throw new ArgumentException("Source.ActorRef cannot backpressure a Tell: choose a dropping strategy or Fail, or use Source.Queue with Backpressure.", nameof(overflow));
        return Source<T, IActorRef>.FromStage(new ActorRefSourceStage<T>(Check.Positive(bufferSize, nameof(bufferSize)), overflow));
    }
}
