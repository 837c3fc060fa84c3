using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>Emits the seed, then each running accumulation (Akka's scan). Restart resets to the seed.</summary>
internal sealed class ScanStage<TIn, TAcc>(TAcc seed, Func<TAcc, TIn, TAcc> aggregate) : FlowStage<TIn, TAcc>("scan")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(In, Out, seed, aggregate);

    private sealed class Logic(Inlet<TIn> inlet, Outlet<TAcc> outlet, TAcc seed, Func<TAcc, TIn, TAcc> aggregate) : InAndOutLogic<TIn, TAcc>(inlet, outlet)
    {
        private TAcc _acc = seed;
        private readonly TAcc _seed = seed;
        private bool _seedEmitted;
        private bool _finishing;

        public override void OnPull()
        {
            if (!_seedEmitted)
            {
                _seedEmitted = true;
                Push(Out, _acc);
                if (_finishing) CompleteStage();
                return;
            }
            Pull(In);
        }

        public override void OnPush()
        {
            _acc = aggregate(_acc, Grab(In));
            Push(Out, _acc);
        }

        public override void OnUpstreamFinish()
        {
            if (_seedEmitted) CompleteStage();
            else _finishing = true;
        }

        protected override void OnRestart() => _acc = _seed;
    }
}
