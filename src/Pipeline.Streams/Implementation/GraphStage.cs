using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Implementation;

/// <summary>A stage without a materialized value.</summary>
public abstract class GraphStage : GraphStageWithMaterializedValue<NotUsed>
{
    /// <summary>Creates a fresh logic for one materialization.</summary>
    public abstract GraphStageLogic CreateLogic(Attributes attributes);

    /// <inheritdoc />
    public sealed override (GraphStageLogic Logic, NotUsed Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
        => (CreateLogic(attributes), NotUsed.Instance);
}
