using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Implementation;

/// <summary>
/// Lets a running stage consume a stream it materializes itself (substreams, restarts): the stage pulls from it
/// like from an inlet, one element per pull; elements and completion arrive as callbacks on the stage.
/// </summary>
internal sealed class SubSinkInlet<T>
{
    private readonly AsyncCallback<object> _fromInner;
    private AsyncCallback<int>? _toInner;
    private bool _pullPending, _cancelPending;
    private T _element = default!;

    internal SubSinkInlet(GraphStageLogic owner, string name, Action onPush, Action onFinish, Action<Exception> onFailure)
    {
        Name = name;
        _fromInner = new AsyncCallback<object>(owner, message =>
        {
            switch (message)
            {
                case AsyncCallback<int> attach:
                    _toInner = attach;
                    if (_cancelPending) attach.Invoke(Commands.Cancel);
                    else if (_pullPending) attach.Invoke(Commands.Pull);
                    break;
                case Element e:
                    HasBeenPulled = false;
                    IsAvailable = true;
                    _element = e.Value;
                    onPush();
                    break;
                case Finished f:
                    if (IsClosed) return;
                    IsClosed = true;
                    HasBeenPulled = false;
                    if (f.Failure is null) onFinish();
                    else onFailure(f.Failure);
                    break;
            }
        });
        Sink = new Sink<T, NotUsed>(GraphBlueprint.FromStage(new InnerSink(this)), static (_, _) => NotUsed.Instance);
    }

    internal string Name { get; }
    internal Sink<T, NotUsed> Sink { get; }
    internal bool HasBeenPulled { get; private set; }
    internal bool IsAvailable { get; private set; }
    internal bool IsClosed { get; private set; }

    internal void Pull()
    {
        if (IsClosed || HasBeenPulled || IsAvailable) return;
        HasBeenPulled = true;
        if (_toInner is { } c) c.Invoke(Commands.Pull);
        else _pullPending = true;
    }

    internal T Grab()
    {
        if (!IsAvailable) throw new InvalidOperationException($"{Name}: no element available.");
        IsAvailable = false;
        var e = _element;
        _element = default!;
        return e;
    }

    internal void Cancel()
    {
        if (IsClosed) return;
        IsClosed = true;
        if (_toInner is { } c) c.Invoke(Commands.Cancel);
        else _cancelPending = true;
    }

    private static class Commands
    {
        internal const int Pull = 1, Cancel = 2;
    }

    private sealed record Element(T Value);
    private sealed record Finished(Exception? Failure);

    private sealed class InnerSink(SubSinkInlet<T> outer) : GraphStage
    {
        internal SubSinkInlet<T> Outer { get; } = outer;

        private readonly Inlet<T> _in = new("sub-sink.in");
        private StageShape? _shape;

        public override StageShape Shape => _shape ??= StageShape.Sink(_in);

        public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(this);

        private sealed class Logic : GraphStageLogic, IInHandler
        {
            private readonly InnerSink _s;
            private readonly AsyncCallback<int> _commands;

            public Logic(InnerSink s) : base(s.Shape)
            {
                _s = s;
                SetHandler(s._in, this);
                _commands = GetAsyncCallback<int>(c =>
                {
                    if (c == Commands.Pull) TryPull(_s._in);
                    else CompleteStage();
                });
            }

            protected internal override void PreStart() => _s.Outer._fromInner.Invoke(_commands);

            public void OnPush() => _s.Outer._fromInner.Invoke(new Element(Grab(_s._in)));

            public void OnUpstreamFinish() => _s.Outer._fromInner.Invoke(new Finished(null));

            public void OnUpstreamFailure(Exception cause) => _s.Outer._fromInner.Invoke(new Finished(cause));

            protected internal override void PostStop() => _s.Outer._fromInner.Invoke(new Finished(null));
        }
    }
}
