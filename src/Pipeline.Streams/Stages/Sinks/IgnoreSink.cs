using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Sinks;

/// <summary>Consumes and discards every element; its task completes with the stream.</summary>
internal sealed class IgnoreSink<T>() : SinkStage<T, Task>("ignore")
{
    public override (GraphStageLogic Logic, Task Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
    {
        var logic = new Logic(In);
        return (logic, logic.Promise.Task);
    }

    private sealed class Logic(Inlet<T> inlet) : TaskSinkLogic<T, bool>(inlet)
    {
        public override void OnPush()
        {
            Grab(In);
            Pull(In);
        }

        protected override bool Result() => true;
    }
}
