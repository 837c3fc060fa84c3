namespace Pipeline.Streams.Implementation;

/// <summary>The downstream end of an async boundary: pushes buffered elements on demand.</summary>
internal sealed class BoundarySourceLogic<T> : GraphStageLogic, IOutHandler
{
    private readonly Outlet<T> Out;
    private readonly BoundaryBuffer<T> _buffer;

    internal BoundarySourceLogic(BoundaryBuffer<T> buffer) : this(new Outlet<T>("boundary.out"), buffer)
    {
    }

    private BoundarySourceLogic(Outlet<T> outlet, BoundaryBuffer<T> buffer) : base(StageShape.Source(outlet))
    {
        Out = outlet;
        _buffer = buffer;
        StageName = "async-boundary(in)";
        SetHandler(Out, this);
        buffer.WakeConsumer = GetAsyncCallback<bool>(_ => { if (IsAvailable(Out)) OnPull(); });
    }

    public void OnPull()
    {
        if (_buffer.TryTake(out var element, out var finished, out var failure)) Push(Out, element);
        else if (finished)
        {
            if (failure is null) CompleteStage();
            else FailStage(failure);
        }
    }

    public void OnDownstreamFinish(Exception? cause) => _buffer.Cancel();
}
