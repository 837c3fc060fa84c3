namespace Pipeline.Streams.Implementation;

/// <summary>
/// The base of one-in-one-out logics: handles both ports; completion passes downstream, cancellation upstream,
/// and failures of <see cref="OnPush"/> follow the stage's supervision decider.
/// </summary>
/// <typeparam name="TIn">The input element type.</typeparam>
/// <typeparam name="TOut">The output element type.</typeparam>
public abstract class InAndOutLogic<TIn, TOut> : GraphStageLogic, IInHandler, IOutHandler, ISupervisedLogic
{
    /// <summary>Creates the logic and registers itself as the handler of both ports.</summary>
    protected InAndOutLogic(Inlet<TIn> inlet, Outlet<TOut> outlet) : base(StageShape.Flow(inlet, outlet))
    {
        In = inlet;
        Out = outlet;
        SetHandler(inlet, this);
        SetHandler(outlet, this);
    }

    /// <summary>The input port.</summary>
    protected Inlet<TIn> In { get; }

    /// <summary>The output port.</summary>
    protected Outlet<TOut> Out { get; }

    /// <inheritdoc />
    public abstract void OnPush();

    /// <inheritdoc />
    public virtual void OnPull() => Pull(In);

    /// <inheritdoc />
    public virtual void OnUpstreamFinish() => CompleteStage();

    /// <inheritdoc />
    public virtual void OnUpstreamFailure(Exception cause) => FailStage(cause);

    /// <inheritdoc />
    public virtual void OnDownstreamFinish(Exception? cause) => CompleteStage();

    /// <summary>Resets the stage's state when the decider says <see cref="Supervision.Directive.Restart"/>.</summary>
    protected virtual void OnRestart() { }

    void ISupervisedLogic.OnRestart() => OnRestart();
}
