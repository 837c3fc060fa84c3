namespace Pipeline.Streams.Implementation;

/// <summary>The upstream end of an async boundary: pulls while the boundary buffer has room.</summary>
internal sealed class BoundarySinkLogic<T> : GraphStageLogic, IInHandler
{
    private readonly Inlet<T> In;
    private readonly BoundaryBuffer<T> _buffer;
    private bool _full;

    internal BoundarySinkLogic(BoundaryBuffer<T> buffer) : this(new Inlet<T>("boundary.in"), buffer)
    {
    }

    private BoundarySinkLogic(Inlet<T> inlet, BoundaryBuffer<T> buffer) : base(StageShape.Sink(inlet))
    {
        In = inlet;
        _buffer = buffer;
        StageName = "async-boundary(out)";
        SetHandler(In, this);
        buffer.WakeProducer = GetAsyncCallback<bool>(_ => OnRoom());
    }

    protected internal override void PreStart() => Pull(In);

    public void OnPush()
    {
        if (_buffer.Cancelled)
        {
            CompleteStage();
            return;
        }
        if (_buffer.Add(Grab(In))) Pull(In);
        else _full = true;
    }

    private void OnRoom()
    {
        if (_buffer.Cancelled)
        {
            CompleteStage();
            return;
        }
        if (_full && !IsClosed(In))
        {
            _full = false;
            Pull(In);
        }
    }

    public void OnUpstreamFinish() => _buffer.Finish(null);

    public void OnUpstreamFailure(Exception cause) => _buffer.Finish(cause);
}
