using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Sinks;

/// <summary>Takes the first element and cancels; fails with a clear error when the stream was empty (unless a default is given).</summary>
internal sealed class FirstSink<T>(bool orDefault) : SinkStage<T, Task<T>>("first")
{
    public override (GraphStageLogic Logic, Task<T> Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
    {
        var logic = new Logic(In, orDefault);
        return (logic, logic.Promise.Task);
    }

    private sealed class Logic(Inlet<T> inlet, bool orDefault) : TaskSinkLogic<T, T>(inlet)
    {
        public override void OnPush()
        {
            Promise.TrySetResult(Grab(In));
            CompleteStage();
        }

        public override void OnUpstreamFinish()
        {
            if (orDefault) Promise.TrySetResult(default!);
            else Promise.TrySetException(new InvalidOperationException("Sink.First: the stream completed without any element."));
        }

        protected override T Result() => default!;
    }
}
