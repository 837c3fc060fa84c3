using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Implementation;

/// <summary>The untyped view of a stage that the materializer uses.</summary>
internal interface IGraphStage
{
    StageShape Shape { get; }
    string Name { get; }
    (GraphStageLogic Logic, object? Materialized) Create(Attributes attributes);
}

/// <summary>A stage whose materialized value needs the materializer (e.g. to create an actor).</summary>
internal interface IMaterializerAwareStage
{
    (GraphStageLogic Logic, object? Materialized) Create(Attributes attributes, Materializer materializer);
}
