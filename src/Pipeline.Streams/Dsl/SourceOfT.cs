using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Dsl;

/// <summary>
/// A blueprint of a stream stage graph with one open output: elements of <typeparamref name="TOut"/> flow out
/// once it is connected to a sink and run. Immutable and reusable: each run materializes fresh stages and a
/// fresh <typeparamref name="TMat"/>.
/// </summary>
/// <typeparam name="TOut">The element type.</typeparam>
/// <typeparam name="TMat">The value the source materializes (e.g. a queue handle).</typeparam>
public sealed class Source<TOut, TMat>
{
    internal Source(GraphBlueprint graph, MatFn<TMat> mat)
    {
        Graph = graph;
        Mat = mat;
    }

    internal GraphBlueprint Graph { get; }
    internal MatFn<TMat> Mat { get; }

    internal static Source<TOut, TMat> FromStage(GraphStageWithMaterializedValue<TMat> stage)
        => new(GraphBlueprint.FromStage(stage), static (v, o) => (TMat)v[o]!);

    /// <summary>Connects a flow; keeps this source's materialized value.</summary>
    public Source<T2, TMat> Via<T2, TMat2>(Flow<TOut, T2, TMat2> flow) => ViaMat(flow, Keep.Left);

    /// <summary>Connects a flow and combines both materialized values.</summary>
    public Source<T2, TMat3> ViaMat<T2, TMat2, TMat3>(Flow<TOut, T2, TMat2> flow, Func<TMat, TMat2, TMat3> combine)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var left = Mat;
        var right = flow.Mat;
        var n = Graph.Nodes.Length;
        return new(Graph.Connect(flow.Graph), (v, o) => combine(left(v, o), right(v, o + n)));
    }

    /// <summary>Connects a sink; the runnable graph keeps this source's materialized value.</summary>
    public RunnableGraph<TMat> To<TMat2>(Sink<TOut, TMat2> sink) => ToMat(sink, Keep.Left);

    /// <summary>Connects a sink and combines both materialized values.</summary>
    public RunnableGraph<TMat3> ToMat<TMat2, TMat3>(Sink<TOut, TMat2> sink, Func<TMat, TMat2, TMat3> combine)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var left = Mat;
        var right = sink.Mat;
        var n = Graph.Nodes.Length;
        return new(Graph.Connect(sink.Graph), (v, o) => combine(left(v, o), right(v, o + n)));
    }

    /// <summary>Connects a sink, runs the graph and returns the sink's materialized value.</summary>
    public TMat2 RunWith<TMat2>(Sink<TOut, TMat2> sink, Materializer materializer) => ToMat(sink, Keep.Right).Run(materializer);

    /// <summary>Transforms the materialized value.</summary>
    public Source<TOut, TMat2> MapMaterializedValue<TMat2>(Func<TMat, TMat2> map)
    {
        var mat = Mat;
        return new(Graph, (v, o) => map(mat(v, o)));
    }

    /// <summary>Puts an async boundary after this source: it runs in an island of its own, decoupled by a bounded buffer.</summary>
    public Source<TOut, TMat> Async() => new(Graph.Async(), Mat);

    /// <summary>Applies <paramref name="attributes"/> to every stage of this source that does not set them itself.</summary>
    public Source<TOut, TMat> WithAttributes(Attributes attributes) => new(Graph.WithAttributes(attributes), Mat);

    /// <summary>Names the stages (for errors).</summary>
    public Source<TOut, TMat> Named(string name) => WithAttributes(Attributes.CreateName(name));

    internal Source<T2, TMat> ViaStage<T2>(IGraphStage stage) => new(Graph.Append<TOut, T2>(stage), Mat);

    internal Source<T2, TMat3> ViaStageMat<T2, TMat2, TMat3>(GraphStageWithMaterializedValue<TMat2> stage, Func<TMat, TMat2, TMat3> combine)
    {
        var mat = Mat;
        var n = Graph.Nodes.Length;
        return new(Graph.Connect(GraphBlueprint.FromStage(stage)), (v, o) => combine(mat(v, o), (TMat2)v[o + n]!));
    }

    /// <summary>Runs the source into <see cref="Sink.ForEach{T}"/>.</summary>
    public Task RunForEach(Action<TOut> action, Materializer materializer) => RunWith(Sink.ForEach(action), materializer);

    /// <summary>Runs the source and collects every element.</summary>
    public Task<IReadOnlyList<TOut>> RunToList(Materializer materializer) => RunWith(Sink.Seq<TOut>(), materializer);

    /// <summary>Runs the source and folds its elements.</summary>
    public Task<TAcc> RunAggregate<TAcc>(TAcc seed, Func<TAcc, TOut, TAcc> aggregate, Materializer materializer)
        => RunWith(Sink.Aggregate(seed, aggregate), materializer);
}
