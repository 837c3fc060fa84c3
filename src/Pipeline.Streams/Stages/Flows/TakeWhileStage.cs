using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>Passes elements while a predicate holds; completes at the first that fails it (optionally emitting it).</summary>
internal sealed class TakeWhileStage<T>(Func<T, bool> predicate, bool inclusive) : FlowStage<T, T>("take-while")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(In, Out, predicate, inclusive);

    private sealed class Logic(Inlet<T> inlet, Outlet<T> outlet, Func<T, bool> predicate, bool inclusive) : InAndOutLogic<T, T>(inlet, outlet)
    {
        public override void OnPush()
        {
            var item = Grab(In);
            if (predicate(item))
            {
                Push(Out, item);
                return;
            }
            if (inclusive) Push(Out, item);
            CompleteStage();
        }
    }
}
