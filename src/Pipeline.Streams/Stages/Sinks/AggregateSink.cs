using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Sinks;

/// <summary>Folds every element into an accumulator; its task completes with the final value.
/// ForEach and Seq are folds too.</summary>
internal sealed class AggregateSink<T, TAcc>(Func<TAcc> seed, Func<TAcc, T, TAcc> aggregate, string name) : SinkStage<T, Task<TAcc>>(name)
{
    public override (GraphStageLogic Logic, Task<TAcc> Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
    {
        var logic = new Logic(In, seed(), aggregate);
        return (logic, logic.Promise.Task);
    }

    private sealed class Logic(Inlet<T> inlet, TAcc seed, Func<TAcc, T, TAcc> aggregate) : TaskSinkLogic<T, TAcc>(inlet)
    {
        private TAcc _acc = seed;

        public override void OnPush()
        {
            _acc = aggregate(_acc, Grab(In));
            Pull(In);
        }

        protected override TAcc Result() => _acc;
    }
}
