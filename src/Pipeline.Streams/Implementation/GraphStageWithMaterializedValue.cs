using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Implementation;

/// <summary>
/// A stage definition (a blueprint, reusable): its ports and a factory for a fresh running logic plus the
/// value it materializes (a completion task, a kill switch, a queue handle...). Derive from it for custom stages.
/// </summary>
/// <typeparam name="TMat">The materialized value's type.</typeparam>
public abstract class GraphStageWithMaterializedValue<TMat> : IGraphStage
{
    /// <summary>The stage's ports.</summary>
    public abstract StageShape Shape { get; }

    /// <summary>The stage's name (for errors and diagnostics).</summary>
    public virtual string Name => GetType().Name.Split('`')[0];

    /// <summary>Creates a fresh logic and its materialized value for one materialization.</summary>
    public abstract (GraphStageLogic Logic, TMat Materialized) CreateLogicAndMaterializedValue(Attributes attributes);

    (GraphStageLogic Logic, object? Materialized) IGraphStage.Create(Attributes attributes)
    {
        var (logic, mat) = CreateLogicAndMaterializedValue(attributes);
        logic.StageName = attributes.Name ?? Name;
        logic.Attributes = attributes;
        return (logic, mat);
    }
}
