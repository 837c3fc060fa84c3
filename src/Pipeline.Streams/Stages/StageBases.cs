using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages;

/// <summary>A stage with one outlet and no materialized value.</summary>
internal abstract class SourceStage<T> : GraphStage
{
    protected SourceStage(string name)
    {
        Out = new Outlet<T>(name + ".out");
        Shape = StageShape.Source(Out);
    }

    public Outlet<T> Out { get; }
    public override StageShape Shape { get; }
}

/// <summary>A stage with one outlet and a materialized value.</summary>
internal abstract class SourceStage<T, TMat> : GraphStageWithMaterializedValue<TMat>
{
    protected SourceStage(string name)
    {
        Out = new Outlet<T>(name + ".out");
        Shape = StageShape.Source(Out);
    }

    public Outlet<T> Out { get; }
    public override StageShape Shape { get; }
}

/// <summary>A stage with one inlet and one outlet and no materialized value.</summary>
internal abstract class FlowStage<TIn, TOut> : GraphStage
{
    protected FlowStage(string name)
    {
        In = new Inlet<TIn>(name + ".in");
        Out = new Outlet<TOut>(name + ".out");
        Shape = StageShape.Flow(In, Out);
    }

    public Inlet<TIn> In { get; }
    public Outlet<TOut> Out { get; }
    public override StageShape Shape { get; }
}

/// <summary>A stage with one inlet and one outlet and a materialized value.</summary>
internal abstract class FlowStage<TIn, TOut, TMat> : GraphStageWithMaterializedValue<TMat>
{
    protected FlowStage(string name)
    {
        In = new Inlet<TIn>(name + ".in");
        Out = new Outlet<TOut>(name + ".out");
        Shape = StageShape.Flow(In, Out);
    }

    public Inlet<TIn> In { get; }
    public Outlet<TOut> Out { get; }
    public override StageShape Shape { get; }
}

/// <summary>A stage with one inlet and a materialized value.</summary>
internal abstract class SinkStage<T, TMat> : GraphStageWithMaterializedValue<TMat>
{
    protected SinkStage(string name)
    {
        In = new Inlet<T>(name + ".in");
        Shape = StageShape.Sink(In);
    }

    public Inlet<T> In { get; }
    public override StageShape Shape { get; }
}

/// <summary>The base of source logics: one outlet, completes when the downstream cancels.</summary>
internal abstract class SourceLogic<T> : GraphStageLogic, IOutHandler
{
    protected SourceLogic(Outlet<T> outlet) : base(StageShape.Source(outlet))
    {
        Out = outlet;
        SetHandler(outlet, this);
    }

    protected Outlet<T> Out { get; }

    public abstract void OnPull();

    public virtual void OnDownstreamFinish(Exception? cause) => CompleteStage();
}

/// <summary>The base of sink logics that complete a task: pulls in PreStart, settles the task on completion,
/// failure, or abrupt stop.</summary>
internal abstract class TaskSinkLogic<T, TResult> : GraphStageLogic, IInHandler
{
    protected TaskSinkLogic(Inlet<T> inlet) : base(StageShape.Sink(inlet))
    {
        In = inlet;
        SetHandler(inlet, this);
    }

    protected Inlet<T> In { get; }

    public TaskCompletionSource<TResult> Promise { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected internal override void PreStart() => Pull(In);

    public abstract void OnPush();

    public virtual void OnUpstreamFinish() => Promise.TrySetResult(Result());

    public virtual void OnUpstreamFailure(Exception cause) => Promise.TrySetException(cause);

    protected abstract TResult Result();

    internal override void HandleHandlerException(Exception cause, bool duringPush)
    {
        Promise.TrySetException(cause);
        base.HandleHandlerException(cause, duringPush);
    }

    protected internal override void PostStop()
        => Promise.TrySetException(new AbruptTerminationException($"{StageName} stopped before its stream completed."));
}
