using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>Passes the elements that match a predicate (Akka's filter).</summary>
internal sealed class WhereStage<T>(Func<T, bool> predicate) : FlowStage<T, T>("where")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(In, Out, predicate);

    private sealed class Logic(Inlet<T> inlet, Outlet<T> outlet, Func<T, bool> predicate) : InAndOutLogic<T, T>(inlet, outlet)
    {
        public override void OnPush()
        {
            var item = Grab(In);
            if (predicate(item)) Push(Out, item);
            else Pull(In);
        }
    }
}
