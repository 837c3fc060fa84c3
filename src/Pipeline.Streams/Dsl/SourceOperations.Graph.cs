using Pipeline.Streams.Implementation;
using Pipeline.Streams.Stages.FanIn;
using Pipeline.Streams.Stages.FanOut;
using Pipeline.Streams.Stages.Flows;

namespace Pipeline.Streams.Dsl;

public static partial class SourceOperations
{
    /// <summary>A bounded buffer whose materialized value is its <see cref="BufferMonitor"/> (counters: held now, high-water mark, dropped).</summary>
    public static Source<TOut, BufferMonitor> BufferMonitored<TOut, TMat>(this Source<TOut, TMat> source, int size, OverflowStrategy overflow)
        => source.ViaStageMat<TOut, BufferMonitor, BufferMonitor>(new BufferStage<TOut>(Check.Positive(size, nameof(size)), overflow), Keep.Right);

    /// <summary>Merges <paramref name="other"/>'s elements into this stream (order per source preserved; completes when both completed).</summary>
    public static Source<TOut, TMat> Merge<TOut, TMat, TMat2>(this Source<TOut, TMat> source, Source<TOut, TMat2> other)
    {
        var (graph, offsets) = GraphBlueprint.Combine([source.Graph, other.Graph], new MergeStage<TOut>(2), fanIn: true);
        var mat = source.Mat;
        return new Source<TOut, TMat>(graph, (v, o) => mat(v, o + offsets[0]));
    }

    /// <summary>Emits this source's elements, then <paramref name="next"/>'s (a failure of this source stops it).</summary>
    public static Source<TOut, TMat> Concat<TOut, TMat, TMat2>(this Source<TOut, TMat> source, Source<TOut, TMat2> next)
    {
        var (graph, offsets) = GraphBlueprint.Combine([source.Graph, next.Graph], new ConcatStage<TOut>(2), fanIn: true);
        var mat = source.Mat;
        return new Source<TOut, TMat>(graph, (v, o) => mat(v, o + offsets[0]));
    }

    /// <summary>Pairs this stream's elements with <paramref name="other"/>'s one to one; completes when either completes.</summary>
    public static Source<(TOut, T2), TMat> Zip<TOut, TMat, T2, TMat2>(this Source<TOut, TMat> source, Source<T2, TMat2> other)
    {
        var (graph, offsets) = GraphBlueprint.Combine([source.Graph, other.Graph], new ZipStage<TOut, T2>(), fanIn: true);
        var mat = source.Mat;
        return new Source<(TOut, T2), TMat>(graph, (v, o) => mat(v, o + offsets[0]));
    }

    /// <summary>Also sends every element to <paramref name="sink"/> (a side channel, e.g. an audit log); the slower of both sets the pace.</summary>
    public static Source<TOut, TMat> AlsoTo<TOut, TMat, TMat2>(this Source<TOut, TMat> source, Sink<TOut, TMat2> sink)
    {
        var mat = source.Mat;
        return new Source<TOut, TMat>(source.Graph.AlsoTo(sink.Graph, new BroadcastStage<TOut>(2), out _), mat);
    }

    /// <summary>Like <see cref="AlsoTo{TOut, TMat, TMat2}"/>, combining both materialized values.</summary>
    public static Source<TOut, TMat3> AlsoToMat<TOut, TMat, TMat2, TMat3>(this Source<TOut, TMat> source, Sink<TOut, TMat2> sink, Func<TMat, TMat2, TMat3> combine)
    {
        var mat = source.Mat;
        var sinkMat = sink.Mat;
        var graph = source.Graph.AlsoTo(sink.Graph, new BroadcastStage<TOut>(2), out var off);
        return new Source<TOut, TMat3>(graph, (v, o) => combine(mat(v, o), sinkMat(v, o + off)));
    }

    /// <summary>
    /// Splits the stream by key into at most <paramref name="maxSubstreams"/> substreams, runs each through
    /// <paramref name="substream"/> and merges the results (Akka's groupBy(...).via(...).mergeSubstreams). A key beyond
    /// the bound fails the stream with a clear error; order per key is preserved.
    /// </summary>
    public static Source<T2, TMat> GroupBy<TOut, TMat, TKey, T2, TMat2>(this Source<TOut, TMat> source, int maxSubstreams, Func<TOut, TKey> keySelector, Flow<TOut, T2, TMat2> substream)
        where TKey : notnull
        => source.ViaStage<T2>(new GroupByStage<TOut, TKey, T2, TMat2>(Check.Positive(maxSubstreams, nameof(maxSubstreams)), keySelector, substream));
}
