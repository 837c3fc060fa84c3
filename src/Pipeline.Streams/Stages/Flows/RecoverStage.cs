using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>On an upstream failure that the handler accepts (returns true), emits one final element and completes;
/// otherwise passes the failure on.</summary>
internal sealed class RecoverStage<T>(Func<Exception, (bool Recovered, T Element)> handler) : FlowStage<T, T>("recover")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(In, Out, handler);

    private sealed class Logic(Inlet<T> inlet, Outlet<T> outlet, Func<Exception, (bool, T)> handler) : InAndOutLogic<T, T>(inlet, outlet)
    {
        private bool _hasFinal;
        private T _final = default!;

        public override void OnPush() => Push(Out, Grab(In));

        public override void OnPull()
        {
            if (_hasFinal)
            {
                Push(Out, _final);
                CompleteStage();
            }
            else Pull(In);
        }

        public override void OnUpstreamFailure(Exception cause)
        {
            var (recovered, element) = handler(cause);
            if (!recovered)
            {
                FailStage(cause);
                return;
            }
            if (IsAvailable(Out))
            {
                Push(Out, element);
                CompleteStage();
            }
            else
            {
                _hasFinal = true;
                _final = element;
            }
        }
    }
}
