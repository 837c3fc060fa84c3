using Pipeline.Streams.Implementation;
using Pipeline.Streams.Stages.FanIn;
using Pipeline.Streams.Stages.FanOut;
using Pipeline.Streams.Stages.Flows;

namespace Pipeline.Streams.Dsl;

public static partial class FlowOperations
{
    /// <summary>A bounded buffer whose materialized value is its <see cref="BufferMonitor"/>.</summary>
    public static Flow<TIn, TOut, BufferMonitor> BufferMonitored<TIn, TOut, TMat>(this Flow<TIn, TOut, TMat> flow, int size, OverflowStrategy overflow)
        => flow.ViaStageMat<TOut, BufferMonitor, BufferMonitor>(new BufferStage<TOut>(Check.Positive(size, nameof(size)), overflow), Keep.Right);

    /// <summary>Merges <paramref name="other"/>'s elements into this flow's output.</summary>
    public static Flow<TIn, TOut, TMat> Merge<TIn, TOut, TMat, TMat2>(this Flow<TIn, TOut, TMat> flow, Source<TOut, TMat2> other)
    {
        var (graph, offsets) = GraphBlueprint.Combine([flow.Graph, other.Graph], new MergeStage<TOut>(2), fanIn: true);
        var mat = flow.Mat;
        return new Flow<TIn, TOut, TMat>(graph, (v, o) => mat(v, o + offsets[0]));
    }

    /// <summary>Pairs this flow's output with <paramref name="other"/>'s elements one to one.</summary>
    public static Flow<TIn, (TOut, T2), TMat> Zip<TIn, TOut, TMat, T2, TMat2>(this Flow<TIn, TOut, TMat> flow, Source<T2, TMat2> other)
    {
        var (graph, offsets) = GraphBlueprint.Combine([flow.Graph, other.Graph], new ZipStage<TOut, T2>(), fanIn: true);
        var mat = flow.Mat;
        return new Flow<TIn, (TOut, T2), TMat>(graph, (v, o) => mat(v, o + offsets[0]));
    }

    /// <summary>Also sends every element to <paramref name="sink"/> (a side channel).</summary>
    public static Flow<TIn, TOut, TMat> AlsoTo<TIn, TOut, TMat, TMat2>(this Flow<TIn, TOut, TMat> flow, Sink<TOut, TMat2> sink)
        => new(flow.Graph.AlsoTo(sink.Graph, new BroadcastStage<TOut>(2), out _), flow.Mat);

    /// <summary>Splits by key into at most <paramref name="maxSubstreams"/> substreams run through <paramref name="substream"/>, merged back.</summary>
    public static Flow<TIn, T2, TMat> GroupBy<TIn, TOut, TMat, TKey, T2, TMat2>(this Flow<TIn, TOut, TMat> flow, int maxSubstreams, Func<TOut, TKey> keySelector, Flow<TOut, T2, TMat2> substream)
        where TKey : notnull
        => flow.ViaStage<T2>(new GroupByStage<TOut, TKey, T2, TMat2>(Check.Positive(maxSubstreams, nameof(maxSubstreams)), keySelector, substream));
}
