using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Restart;

/// <summary>
/// Wraps a flow made afresh by a factory: the outer input feeds the inner flow through a sub-source, its output
/// comes back through a sub-sink. When the inner flow fails (or completes, unless only failures restart) it is
/// rebuilt after a growing backoff; the outer ports stay open meanwhile (the upstream is simply not pulled).
/// RestartSource and RestartSink use it with an empty input or a discarded output.
/// </summary>
internal sealed class RestartStage<TIn, TOut>(RestartSettings settings, Func<Source<TIn, NotUsed>, Sink<TOut, NotUsed>, RunnableGraph<NotUsed>> factory,
    bool onlyOnFailures, bool hasInput, bool hasOutput) : GraphStage
{
    internal RestartSettings Settings { get; } = settings;
    internal Func<Source<TIn, NotUsed>, Sink<TOut, NotUsed>, RunnableGraph<NotUsed>> Factory { get; } = factory;
    internal bool OnlyOnFailures { get; } = onlyOnFailures;
    internal bool HasInput { get; } = hasInput;
    internal bool HasOutput { get; } = hasOutput;

    private readonly Inlet<TIn> _in = new("restart.in");
    private readonly Outlet<TOut> _out = new("restart.out");
    private StageShape? _shape;

    public override StageShape Shape => _shape ??= new StageShape(HasInput ? [_in] : [], HasOutput ? [_out] : []);

    public override string Name => "restart";

    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(this);

    private sealed class Logic : GraphStageLogic, IInHandler, IOutHandler
    {
        private readonly RestartStage<TIn, TOut> _s;
        private SubSourceOutlet<TIn>? _feed;
        private SubSinkInlet<TOut>? _result;
        private int _restarts;
        private long _startedAt;
        private long _windowStart;
        private int _generation;

        public Logic(RestartStage<TIn, TOut> s) : base(s.Shape)
        {
            _s = s;
            if (s.HasInput) SetHandler(s._in, this);
            if (s.HasOutput) SetHandler(s._out, this);
        }

        protected internal override void PreStart()
        {
            _windowStart = TimeProvider.GetTimestamp();
            StartInner();
        }

        private void StartInner()
        {
            var generation = ++_generation;
            _startedAt = TimeProvider.GetTimestamp();
            _feed = new SubSourceOutlet<TIn>(this, "restart.feed",
                () => { if (generation == _generation && _s.HasInput && !IsClosed(_s._in) && !HasBeenPulled(_s._in)) Pull(_s._in); },
                cause => { if (generation == _generation && !_s.HasOutput) InnerStopped(cause); });
            _result = new SubSinkInlet<TOut>(this, "restart.result",
                () => { if (generation == _generation && IsAvailable(_s._out)) Push(_s._out, _result!.Grab()); },
                () => { if (generation == _generation) InnerStopped(null); },
                e => { if (generation == _generation) InnerStopped(e); });
            try { _s.Factory(_feed.Source, _result.Sink).Run(Materializer); }
            catch (Exception e)
            {
                InnerStopped(e);
                return;
            }
            if (_s.HasOutput && IsAvailable(_s._out)) _result.Pull();
        }

        private void InnerStopped(Exception? failure)
        {
            _generation++;
            _feed?.Complete();
            _result?.Cancel();
            if (failure is null && _s.OnlyOnFailures)
            {
                CompleteStage();
                return;
            }
            if (_s.HasInput && IsClosed(_s._in) && failure is null)
            {
                CompleteStage();
                return;
            }
            var now = TimeProvider.GetTimestamp();
            if (TimeProvider.GetElapsedTime(_startedAt, now) >= _s.Settings.MaxRestartsWithin || TimeProvider.GetElapsedTime(_windowStart, now) >= _s.Settings.MaxRestartsWithin)
            {
                _restarts = 0;
                _windowStart = now;
            }
            if (_s.Settings.MaxRestarts is { } max && _restarts >= max)
            {
                if (failure is null) CompleteStage();
                else FailStage(failure);
                return;
            }
            var delay = _s.Settings.BackoffFor(_restarts, Random.Shared.NextDouble());
            _restarts++;
            Restarts++;
            ScheduleOnce("restart", delay);
        }

        internal int Restarts { get; private set; }

        protected internal override void OnTimer(object timerKey) => StartInner();

        public void OnPush()
        {
            var item = Grab(_s._in);
            if (_feed is { IsAvailable: true, IsClosed: false } feed) feed.Push(item);
            // an element that arrives while the inner flow is being restarted is lost with the failed
            // incarnation, as in Akka's RestartFlow; sinks that must not lose records use acknowledgements
        }

        public void OnUpstreamFinish()
        {
            _feed?.Complete();
            if (!_s.HasOutput) CompleteStage();
        }

        public void OnUpstreamFailure(Exception cause)
        {
            _feed?.Fail(cause);
            FailStage(cause);
        }

        public void OnPull()
        {
            if (_result is { IsClosed: false } r) r.Pull();
        }

        public void OnDownstreamFinish(Exception? cause)
        {
            _feed?.Complete();
            _result?.Cancel();
            CompleteStage();
        }

        protected internal override void PostStop()
        {
            _feed?.Complete();
            _result?.Cancel();
        }
    }
}
