using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>Folds all elements and emits the result when the upstream completes (Akka's fold). Restart resets to the seed.</summary>
internal sealed class AggregateStage<TIn, TAcc>(TAcc seed, Func<TAcc, TIn, TAcc> aggregate) : FlowStage<TIn, TAcc>("aggregate")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(In, Out, seed, aggregate);

    private sealed class Logic(Inlet<TIn> inlet, Outlet<TAcc> outlet, TAcc seed, Func<TAcc, TIn, TAcc> aggregate) : InAndOutLogic<TIn, TAcc>(inlet, outlet)
    {
        private TAcc _acc = seed;
        private readonly TAcc _seed = seed;
        private bool _done;

        public override void OnPush()
        {
            _acc = aggregate(_acc, Grab(In));
            Pull(In);
        }

        public override void OnPull()
        {
            if (_done)
            {
                Push(Out, _acc);
                CompleteStage();
            }
            else if (!HasBeenPulled(In)) Pull(In);
        }

        public override void OnUpstreamFinish()
        {
            _done = true;
            if (IsAvailable(Out))
            {
                Push(Out, _acc);
                CompleteStage();
            }
        }

        protected override void OnRestart() => _acc = _seed;
    }
}
