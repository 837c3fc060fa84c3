using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>A Select that can absorb the next Select (operator fusion): two hops become one stage with composed functions.</summary>
internal interface ISelectFusable<TOut>
{
    IGraphStage Then<T2>(Func<TOut, T2> next);
}

/// <summary>Maps each element (Akka's map). Consecutive Selects without attributes of their own are fused into one stage.</summary>
internal sealed class SelectStage<TIn, TOut>(Func<TIn, TOut> selector) : FlowStage<TIn, TOut>("select"), ISelectFusable<TOut>
{
    internal Func<TIn, TOut> Selector { get; } = selector;

    public IGraphStage Then<T2>(Func<TOut, T2> next)
    {
        var first = Selector;
        return new SelectStage<TIn, T2>(x => next(first(x)));
    }

    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(In, Out, Selector);

    private sealed class Logic(Inlet<TIn> inlet, Outlet<TOut> outlet, Func<TIn, TOut> selector) : InAndOutLogic<TIn, TOut>(inlet, outlet)
    {
        public override void OnPush() => Push(Out, selector(Grab(In)));
    }
}
