using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Dsl;

/// <summary>
/// A blueprint of a processing step with one open input and one open output. Immutable and reusable.
/// </summary>
/// <typeparam name="TIn">The input element type.</typeparam>
/// <typeparam name="TOut">The output element type.</typeparam>
/// <typeparam name="TMat">The value the flow materializes (e.g. a kill switch).</typeparam>
public sealed class Flow<TIn, TOut, TMat>
{
    internal Flow(GraphBlueprint graph, MatFn<TMat> mat)
    {
        Graph = graph;
        Mat = mat;
    }

    internal GraphBlueprint Graph { get; }
    internal MatFn<TMat> Mat { get; }

    internal static Flow<TIn, TOut, TMat> FromStage(GraphStageWithMaterializedValue<TMat> stage)
        => new(GraphBlueprint.FromStage(stage), static (v, o) => (TMat)v[o]!);

    /// <summary>Connects another flow after this one; keeps this flow's materialized value.</summary>
    public Flow<TIn, T2, TMat> Via<T2, TMat2>(Flow<TOut, T2, TMat2> flow) => ViaMat(flow, Keep.Left);

    /// <summary>Connects another flow and combines both materialized values.</summary>
    public Flow<TIn, T2, TMat3> ViaMat<T2, TMat2, TMat3>(Flow<TOut, T2, TMat2> flow, Func<TMat, TMat2, TMat3> combine)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var left = Mat;
        var right = flow.Mat;
        var n = Graph.Nodes.Length;
        return new(Graph.Connect(flow.Graph), (v, o) => combine(left(v, o), right(v, o + n)));
    }

    /// <summary>Connects a sink; the result is a sink that keeps this flow's materialized value.</summary>
    public Sink<TIn, TMat> To<TMat2>(Sink<TOut, TMat2> sink) => ToMat(sink, Keep.Left);

    /// <summary>Connects a sink and combines both materialized values.</summary>
    public Sink<TIn, TMat3> ToMat<TMat2, TMat3>(Sink<TOut, TMat2> sink, Func<TMat, TMat2, TMat3> combine)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var left = Mat;
        var right = sink.Mat;
        var n = Graph.Nodes.Length;
        return new(Graph.Connect(sink.Graph), (v, o) => combine(left(v, o), right(v, o + n)));
    }

    /// <summary>Transforms the materialized value.</summary>
    public Flow<TIn, TOut, TMat2> MapMaterializedValue<TMat2>(Func<TMat, TMat2> map)
    {
        var mat = Mat;
        return new(Graph, (v, o) => map(mat(v, o)));
    }

    /// <summary>Puts this flow in an island of its own, decoupled from its neighbours by bounded buffers.</summary>
    public Flow<TIn, TOut, TMat> Async() => new(Graph.Async(), Mat);

    /// <summary>Applies <paramref name="attributes"/> to every stage of this flow that does not set them itself.</summary>
    public Flow<TIn, TOut, TMat> WithAttributes(Attributes attributes) => new(Graph.WithAttributes(attributes), Mat);

    /// <summary>Names the stages (for errors).</summary>
    public Flow<TIn, TOut, TMat> Named(string name) => WithAttributes(Attributes.CreateName(name));

    internal Flow<TIn, T2, TMat> ViaStage<T2>(IGraphStage stage) => new(Graph.Append<TOut, T2>(stage), Mat);

    internal Flow<TIn, T2, TMat3> ViaStageMat<T2, TMat2, TMat3>(GraphStageWithMaterializedValue<TMat2> stage, Func<TMat, TMat2, TMat3> combine)
    {
        var mat = Mat;
        var n = Graph.Nodes.Length;
        return new(Graph.Connect(GraphBlueprint.FromStage(stage)), (v, o) => combine(mat(v, o), (TMat2)v[o + n]!));
    }
}
