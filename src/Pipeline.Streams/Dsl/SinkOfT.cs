using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Dsl;

/// <summary>
/// A blueprint of a stream's end with one open input. Immutable and reusable; each run materializes a fresh
/// <typeparamref name="TMat"/> (typically a task that completes with the stream).
/// </summary>
/// <typeparam name="TIn">The element type.</typeparam>
/// <typeparam name="TMat">The materialized value's type.</typeparam>
public sealed class Sink<TIn, TMat>
{
    internal Sink(GraphBlueprint graph, MatFn<TMat> mat)
    {
        Graph = graph;
        Mat = mat;
    }

    internal GraphBlueprint Graph { get; }
    internal MatFn<TMat> Mat { get; }

    internal static Sink<TIn, TMat> FromStage(GraphStageWithMaterializedValue<TMat> stage)
        => new(GraphBlueprint.FromStage(stage), static (v, o) => (TMat)v[o]!);

    /// <summary>Transforms the materialized value.</summary>
    public Sink<TIn, TMat2> MapMaterializedValue<TMat2>(Func<TMat, TMat2> map)
    {
        var mat = Mat;
        return new(Graph, (v, o) => map(mat(v, o)));
    }

    /// <summary>Puts this sink in an island of its own, decoupled from its upstream by a bounded buffer.</summary>
    public Sink<TIn, TMat> Async() => new(Graph.Async(), Mat);

    /// <summary>Applies <paramref name="attributes"/> to every stage of this sink that does not set them itself.</summary>
    public Sink<TIn, TMat> WithAttributes(Attributes attributes) => new(Graph.WithAttributes(attributes), Mat);

    /// <summary>Connects a source to this sink, runs it and returns this sink's materialized value.</summary>
    public TMat RunWith<TMat2>(Source<TIn, TMat2> source, Materializer materializer) => source.ToMat(this, Keep.Right).Run(materializer);
}
