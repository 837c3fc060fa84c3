using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Implementation;

/// <summary>
/// Lets a running stage feed a stream it materializes itself: the inner stream's demand arrives as
/// <c>onPull</c> callbacks on the stage, which then pushes one element.
/// </summary>
internal sealed class SubSourceOutlet<T>
{
    private readonly AsyncCallback<object> _fromInner;
    private AsyncCallback<object>? _toInner;
    private readonly Queue<object> _early = new();

    internal SubSourceOutlet(GraphStageLogic owner, string name, Action onPull, Action<Exception?> onCancel)
    {
        Name = name;
        _fromInner = new AsyncCallback<object>(owner, message =>
        {
            switch (message)
            {
                case AsyncCallback<object> attach:
                    _toInner = attach;
                    while (_early.Count > 0) attach.Invoke(_early.Dequeue());
                    break;
                case PullSignal:
                    if (IsClosed) return;
                    IsAvailable = true;
                    onPull();
                    break;
                case CancelSignal c:
                    if (IsClosed) return;
                    IsClosed = true;
                    IsAvailable = false;
                    onCancel(c.Cause);
                    break;
            }
        });
        Source = new Source<T, NotUsed>(GraphBlueprint.FromStage(new InnerSource(this)), static (_, _) => NotUsed.Instance);
    }

    internal string Name { get; }
    internal Source<T, NotUsed> Source { get; }
    internal bool IsAvailable { get; private set; }
    internal bool IsClosed { get; private set; }

    internal void Push(T element)
    {
        if (!IsAvailable) throw new InvalidOperationException($"{Name}: cannot push without demand.");
        IsAvailable = false;
        Send(new Element(element));
    }

    internal void Complete()
    {
        if (IsClosed) return;
        IsClosed = true;
        Send(new Finished(null));
    }

    internal void Fail(Exception cause)
    {
        if (IsClosed) return;
        IsClosed = true;
        Send(new Finished(cause));
    }

    private void Send(object message)
    {
        if (_toInner is { } c) c.Invoke(message);
        else _early.Enqueue(message);
    }

    private sealed class PullSignal
    {
        internal static readonly PullSignal Instance = new();
    }

    private sealed record CancelSignal(Exception? Cause);
    private sealed record Element(T Value);
    private sealed record Finished(Exception? Failure);

    private sealed class InnerSource(SubSourceOutlet<T> outer) : GraphStage
    {
        internal SubSourceOutlet<T> Outer { get; } = outer;

        private readonly Outlet<T> _out = new("sub-source.out");
        private StageShape? _shape;

        public override StageShape Shape => _shape ??= StageShape.Source(_out);

        public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(this);

        private sealed class Logic : GraphStageLogic, IOutHandler
        {
            private readonly InnerSource _s;
            private readonly AsyncCallback<object> _commands;

            public Logic(InnerSource s) : base(s.Shape)
            {
                _s = s;
                SetHandler(s._out, this);
                _commands = GetAsyncCallback<object>(m =>
                {
                    switch (m)
                    {
                        case Element e:
                            Push(_s._out, e.Value);
                            break;
                        case Finished { Failure: null }:
                            CompleteStage();
                            break;
                        case Finished f:
                            FailStage(f.Failure!);
                            break;
                    }
                });
            }

            protected internal override void PreStart() => _s.Outer._fromInner.Invoke(_commands);

            public void OnPull() => _s.Outer._fromInner.Invoke(PullSignal.Instance);

            public void OnDownstreamFinish(Exception? cause) => _s.Outer._fromInner.Invoke(new CancelSignal(cause));

            protected internal override void PostStop() => _s.Outer._fromInner.Invoke(new CancelSignal(null));
        }
    }
}
