using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>Maps each element to a sequence and emits its items one per demand (Akka's mapConcat).</summary>
internal sealed class SelectManyStage<TIn, TOut>(Func<TIn, IEnumerable<TOut>> selector) : FlowStage<TIn, TOut>("select-many")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(In, Out, selector);

    private sealed class Logic(Inlet<TIn> inlet, Outlet<TOut> outlet, Func<TIn, IEnumerable<TOut>> selector) : InAndOutLogic<TIn, TOut>(inlet, outlet)
    {
        private IEnumerator<TOut>? _current;

        public override void OnPush()
        {
            _current = selector(Grab(In)).GetEnumerator();
            EmitNext();
        }

        public override void OnPull()
        {
            if (_current is not null) EmitNext();
            else Pull(In);
        }

        private void EmitNext()
        {
            if (_current!.MoveNext())
            {
                Push(Out, _current.Current);
                return;
            }
            _current.Dispose();
            _current = null;
            if (IsClosed(In)) CompleteStage();
            else Pull(In);
        }

        public override void OnUpstreamFinish()
        {
            if (_current is null) CompleteStage();
        }

        protected override void OnRestart() => _current = null;
    }
}
