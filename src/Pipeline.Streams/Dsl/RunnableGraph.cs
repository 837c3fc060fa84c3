using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Dsl;

/// <summary>A closed graph (source to sink), ready to run any number of times.</summary>
/// <typeparam name="TMat">The materialized value's type.</typeparam>
public sealed class RunnableGraph<TMat>
{
    internal RunnableGraph(GraphBlueprint graph, MatFn<TMat> mat)
    {
        Graph = graph;
        Mat = mat;
    }

    internal GraphBlueprint Graph { get; }
    internal MatFn<TMat> Mat { get; }

    /// <summary>Materializes and starts the graph; returns its materialized value.</summary>
    public TMat Run(Materializer materializer)
    {
        ArgumentNullException.ThrowIfNull(materializer);
        return materializer.Materialize(Graph, Mat);
    }

    /// <summary>Transforms the materialized value.</summary>
    public RunnableGraph<TMat2> MapMaterializedValue<TMat2>(Func<TMat, TMat2> map)
    {
        var mat = Mat;
        return new(Graph, (v, o) => map(mat(v, o)));
    }

    /// <summary>Applies <paramref name="attributes"/> to every stage that does not set them itself.</summary>
    public RunnableGraph<TMat> WithAttributes(Attributes attributes) => new(Graph.WithAttributes(attributes), Mat);
}
