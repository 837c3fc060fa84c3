using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>Passes the first n elements, then completes and cancels the upstream.</summary>
internal sealed class TakeStage<T>(long count) : FlowStage<T, T>("take")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(In, Out, count);

    private sealed class Logic(Inlet<T> inlet, Outlet<T> outlet, long count) : InAndOutLogic<T, T>(inlet, outlet)
    {
        private long _left = count;

        protected internal override void PreStart()
        {
            if (_left <= 0) CompleteStage();
        }

        public override void OnPush()
        {
            _left--;
            Push(Out, Grab(In));
            if (_left == 0) CompleteStage();
        }
    }
}
