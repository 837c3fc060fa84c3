using Pipeline.Runtime.Actors;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Actors;

/// <summary>The stage of <see cref="Source.ActorRef{T}"/>: a queue source plus the actor that feeds it.</summary>
internal sealed class ActorRefSourceStage<T>(int capacity, OverflowStrategy overflow) : GraphStageWithMaterializedValue<IActorRef>, IMaterializerAwareStage
{
    private readonly QueueSourceStage<T> _queue = new(capacity, overflow);

    public override StageShape Shape => _queue.Shape;

    public override string Name => "actor-ref-source";

    public override (GraphStageLogic Logic, IActorRef Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
        => throw new InvalidOperationException("Source.ActorRef is materialized by a Materializer only.");

    (GraphStageLogic Logic, object? Materialized) IMaterializerAwareStage.Create(Attributes attributes, Materializer materializer)
    {
        var (logic, state) = _queue.CreateLogicAndMaterializedValue(attributes);
        logic.StageName = attributes.Name ?? Name;
        logic.Attributes = attributes;
        var actor = materializer.System.SystemActorOf(Props.Create(() => new ActorSourceActor<T>(state)));
        return (logic, actor);
    }
}
