using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Dsl;

/// <summary>Factories of flows: start with <see cref="Create{T}"/> and chain operators.</summary>
public static class Flow
{
    /// <summary>The identity flow, the start of a chain of operators.</summary>
    public static Flow<T, T, NotUsed> Create<T>() => new(GraphBlueprint.FromStage(new Stages.Flows.SelectStage<T, T>(static x => x)), static (_, _) => NotUsed.Instance);

    /// <summary>A flow from a function (same as <c>Create&lt;TIn&gt;().Select(f)</c>).</summary>
    public static Flow<TIn, TOut, NotUsed> FromFunction<TIn, TOut>(Func<TIn, TOut> function) => Create<TIn>().Select(function);

    /// <summary>Creates a flow from a custom stage.</summary>
    public static Flow<TIn, TOut, TMat> FromGraph<TIn, TOut, TMat>(GraphStageWithMaterializedValue<TMat> stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        if (stage.Shape.Inlets.Count != 1 || stage.Shape.Outlets.Count != 1) throw new ArgumentException($"A flow stage has exactly one inlet and one outlet; {stage.Name} has {stage.Shape.Inlets.Count} inlets and {stage.Shape.Outlets.Count} outlets.", nameof(stage));
        return Flow<TIn, TOut, TMat>.FromStage(stage);
    }
}
