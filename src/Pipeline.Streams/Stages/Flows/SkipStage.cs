using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>Drops the first n elements.</summary>
internal sealed class SkipStage<T>(long count) : FlowStage<T, T>("skip")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(In, Out, count);

    private sealed class Logic(Inlet<T> inlet, Outlet<T> outlet, long count) : InAndOutLogic<T, T>(inlet, outlet)
    {
        private long _left = count;

        public override void OnPush()
        {
            var item = Grab(In);
            if (_left > 0)
            {
                _left--;
                Pull(In);
            }
            else Push(Out, item);
        }
    }
}
