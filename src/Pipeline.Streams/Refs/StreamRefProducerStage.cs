using Pipeline.Runtime.Actors;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;
using Pipeline.Streams.Stages;

namespace Pipeline.Streams.Refs;

/// <summary>
/// The sending end of a stream reference: the origin of a <see cref="SourceRef{T}"/> (waits for the other side to
/// attach) or the resolved end of a <see cref="SinkRef{T}"/> (attaches to the origin). It pulls its upstream only
/// while the receiver's cumulative demand allows, numbers the elements, and sends them in batches: a batch goes out
/// when full, when the demand is used up, or once the interpreter has run what it had queued (so a fast upstream
/// fills batches and a trickle still goes out at once).
/// </summary>
internal sealed class StreamRefProducerStage<T>(IActorRef? partner, StreamRefSettings settings)
    : SinkStage<T, Task<SourceRef<T>>>(partner is null ? "source-ref-origin" : "sink-ref")
{
    public override (GraphStageLogic Logic, Task<SourceRef<T>> Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
    {
        var logic = new Logic(this, partner, settings);
        return (logic, logic.Ref.Task);
    }

    private sealed class Logic : GraphStageLogic, IInHandler
    {
        private const string SubscriptionTimer = "subscription-timeout";
        private const string TerminationTimer = "partner-terminated";

        private readonly Inlet<T> _in;
        private readonly StreamRefSettings _settings;
        private readonly bool _isOrigin;
        private readonly AsyncCallback<(object Message, IActorRef Sender)> _onMessage;
        private readonly AsyncCallback<bool> _onFlush;
        private readonly List<T> _batch;
        private IActorRef? _partner;
        private IActorRef? _self;
        private bool _attached;
        private bool _flushScheduled;
        private long _next;     // sequence number of the next element (= elements taken so far)
        private long _demandUpTo;
        private bool _upstreamFinished;
        private Exception? _upstreamFailure;

        public Logic(StreamRefProducerStage<T> stage, IActorRef? partner, StreamRefSettings settings) : base(StageShape.Sink(stage.In))
        {
            _in = stage.In;
            _settings = settings;
            _partner = partner;
            _isOrigin = partner is null;
            _batch = new List<T>(Math.Min(settings.MaxBatchSize, settings.BufferCapacity));
            SetHandler(_in, this);
            _onMessage = GetAsyncCallback<(object, IActorRef)>(OnMessage);
            _onFlush = GetAsyncCallback<bool>(_ =>
            {
                _flushScheduled = false;
                Flush();
            });
        }

        public TaskCompletionSource<SourceRef<T>> Ref { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected internal override void PreStart()
        {
            SetKeepGoing(true);
            _self = Materializer.System.SystemActorOf(Props.Create(() => new StreamRefStageActor(_onMessage, _partner)));
            Ref.TrySetResult(new SourceRef<T>(_self));
            ScheduleOnce(SubscriptionTimer, _settings.SubscriptionTimeout);
            _partner?.Tell(new StreamRefHandshake(), _self);
        }

        private void OnMessage((object Message, IActorRef Sender) m)
        {
            switch (m.Message)
            {
                case Terminated t when _partner is not null && t.ActorRef.Equals(_partner):
                    if (!IsTimerActive(TerminationTimer)) ScheduleOnce(TerminationTimer, _settings.FinalTerminationSignalDeadline);
                    return;
                case StreamRefHandshake when _isOrigin && _partner is null:
                    _partner = m.Sender;
                    _partner.Tell(new StreamRefHandshake(), _self);
                    OnAttached();
                    return;
                case StreamRefHandshake when _isOrigin:
                    if (!m.Sender.Equals(_partner))
                        m.Sender.Tell(new StreamRefFailed($"this stream reference is already attached to {_partner!.Path}; a source ref can be materialized once"), _self);
                    return;
                case StreamRefHandshake when m.Sender.Equals(_partner):
                    OnAttached();
                    return;
            }
            if (_partner is null || !m.Sender.Equals(_partner)) return; // not from our partner: a stray or refused attacher
            switch (m.Message)
            {
                case StreamRefDemand d:
                    if (!_attached) OnAttached(); // the acceptance was lost or overtaken: demand implies it
                    if (d.UpTo > _demandUpTo)
                    {
                        _demandUpTo = d.UpTo;
                        TryPullUpstream();
                    }
                    return;
                case StreamRefCancelled:
                    Flush();
                    CompleteStage();
                    return;
                case StreamRefFailed f:
                    FailStage(new RemoteStreamRefFailedException($"The receiving side of the stream reference refused or failed: {f.Reason}"));
                    return;
            }
        }

        private void OnAttached()
        {
            if (_attached) return;
            _attached = true;
            CancelTimer(SubscriptionTimer);
            if (_upstreamFailure is not null) SendFailureAndStop(_upstreamFailure);
            else if (_upstreamFinished) SendCompletionAndStop();
        }

        private void TryPullUpstream()
        {
            if (_next < _demandUpTo && !HasBeenPulled(_in) && !IsClosed(_in)) Pull(_in);
        }

        public void OnPush()
        {
            _batch.Add(Grab(_in));
            _next++;
            if (_batch.Count >= _settings.MaxBatchSize || _next >= _demandUpTo) Flush();
            else if (!_flushScheduled)
            {
                _flushScheduled = true;
                _onFlush.Invoke(true);
            }
            TryPullUpstream();
        }

        private void Flush()
        {
            if (_batch.Count == 0 || _partner is null) return;
            var elements = _batch.ToArray();
            _batch.Clear();
            _partner.Tell(new StreamRefElements<T>(_next - elements.Length, elements), _self);
        }

        public void OnUpstreamFinish()
        {
            _upstreamFinished = true;
            if (_attached) SendCompletionAndStop();
        }

        public void OnUpstreamFailure(Exception cause)
        {
            _upstreamFailure = cause;
            if (_attached) SendFailureAndStop(cause);
        }

        private void SendCompletionAndStop()
        {
            Flush();
            _partner!.Tell(new StreamRefCompleted(_next), _self);
            CompleteStage();
        }

        private void SendFailureAndStop(Exception cause)
        {
            Flush();
            _partner!.Tell(new StreamRefFailed($"{cause.GetType().Name}: {cause.Message}"), _self);
            FailStage(cause);
        }

        protected internal override void OnTimer(object timerKey)
        {
            switch (timerKey)
            {
                case SubscriptionTimer when !_attached:
                    FailStage(new StreamRefSubscriptionTimeoutException(_isOrigin
                        ? $"No one attached to the source ref {_self!.Path} within {_settings.SubscriptionTimeout}."
                        : $"The sink ref's origin {_partner!.Path} did not answer within {_settings.SubscriptionTimeout}."));
                    break;
                case TerminationTimer:
                    FailStage(new RemoteStreamRefActorTerminatedException($"The receiving side of the stream reference ({_partner!.Path}) terminated before the stream completed."));
                    break;
            }
        }

        protected internal override void PostStop()
        {
            Ref.TrySetException(new AbruptTerminationException("The source ref stopped before it was materialized."));
            if (_self is not null) Materializer.System.Stop(_self);
        }
    }
}
