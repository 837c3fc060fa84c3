using Pipeline.Runtime.Actors;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;
using Pipeline.Streams.Stages;

namespace Pipeline.Streams.Refs;

/// <summary>
/// The receiving end of a stream reference: the origin of a <see cref="SinkRef{T}"/> (waits for the other side to
/// attach) or the resolved end of a <see cref="SourceRef{T}"/> (attaches to the origin). It grants credit of
/// <see cref="StreamRefSettings.BufferCapacity"/> elements as a cumulative sequence number, renews it when half is
/// consumed by its downstream, checks that elements arrive in sequence, and buffers at most its capacity.
/// </summary>
internal sealed class StreamRefConsumerStage<T>(IActorRef? partner, StreamRefSettings settings)
    : SourceStage<T, Task<SinkRef<T>>>(partner is null ? "sink-ref-origin" : "source-ref")
{
    public override (GraphStageLogic Logic, Task<SinkRef<T>> Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
    {
        var logic = new Logic(this, partner, settings);
        return (logic, logic.Ref.Task);
    }

    private sealed class Logic : GraphStageLogic, IOutHandler
    {
        private const string SubscriptionTimer = "subscription-timeout";
        private const string TerminationTimer = "partner-terminated";
        private const string RedeliveryTimer = "demand-redelivery";

        private readonly Outlet<T> _out;
        private readonly StreamRefSettings _settings;
        private readonly bool _isOrigin;
        private readonly AsyncCallback<(object Message, IActorRef Sender)> _onMessage;
        private readonly Queue<T> _buffer;
        private readonly long _renewThreshold;
        private IActorRef? _partner;
        private IActorRef? _self;
        private bool _attached;
        private long _received;     // next expected sequence number
        private long _consumed;
        private long _requestedUpTo;
        private long _completeAt = -1;

        public Logic(StreamRefConsumerStage<T> stage, IActorRef? partner, StreamRefSettings settings) : base(StageShape.Source(stage.Out))
        {
            _out = stage.Out;
            _settings = settings;
            _partner = partner;
            _isOrigin = partner is null;
            _buffer = new Queue<T>(Math.Min(settings.BufferCapacity, 4096));
            _renewThreshold = Math.Max(1, settings.BufferCapacity / 2);
            SetHandler(_out, this);
            _onMessage = GetAsyncCallback<(object, IActorRef)>(OnMessage);
        }

        public TaskCompletionSource<SinkRef<T>> Ref { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected internal override void PreStart()
        {
            SetKeepGoing(true);
            _self = Materializer.System.SystemActorOf(Props.Create(() => new StreamRefStageActor(_onMessage, _partner)));
            Ref.TrySetResult(new SinkRef<T>(_self));
            ScheduleOnce(SubscriptionTimer, _settings.SubscriptionTimeout);
            if (_partner is not null)
            {
                _partner.Tell(new StreamRefHandshake(), _self);
                RequestMore(force: true);
            }
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
                    RequestMore(force: true);
                    return;
                case StreamRefHandshake when _isOrigin:
                    if (!m.Sender.Equals(_partner))
                        m.Sender.Tell(new StreamRefFailed($"this stream reference is already attached to {_partner!.Path}; a sink ref can be materialized once"), _self);
                    return;
                case StreamRefHandshake when m.Sender.Equals(_partner):
                    OnAttached();
                    return;
            }
            if (_partner is null || !m.Sender.Equals(_partner)) return;
            switch (m.Message)
            {
                case StreamRefElements<T> batch:
                    OnAttached();
                    if (batch.FirstSeqNr != _received)
                    {
                        FailStage(new InvalidSequenceNumberException(_received, batch.FirstSeqNr));
                        return;
                    }
                    if (_received + batch.Elements.Length > _requestedUpTo)
                    {
                        FailStage(new InvalidOperationException($"Stream reference: the producer sent up to {_received + batch.Elements.Length} elements, but only {_requestedUpTo} were requested."));
                        return;
                    }
                    foreach (var element in batch.Elements) _buffer.Enqueue(element);
                    _received += batch.Elements.Length;
                    if (IsAvailable(_out)) PushOne();
                    return;
                case StreamRefCompleted c:
                    OnAttached();
                    if (c.Count != _received)
                    {
                        FailStage(new InvalidSequenceNumberException(c.Count, _received));
                        return;
                    }
                    _completeAt = c.Count;
                    CancelTimer(RedeliveryTimer);
                    if (_buffer.Count == 0) CompleteStage();
                    return;
                case StreamRefFailed f:
                    FailStage(new RemoteStreamRefFailedException($"The stream on the other side of the stream reference failed: {f.Reason}"));
                    return;
            }
        }

        private void OnAttached()
        {
            if (_attached) return;
            _attached = true;
            CancelTimer(SubscriptionTimer);
            ScheduleRepeatedly(RedeliveryTimer, _settings.DemandRedeliveryInterval, _settings.DemandRedeliveryInterval);
        }

        public void OnPull()
        {
            if (_buffer.Count > 0) PushOne();
        }

        private void PushOne()
        {
            Push(_out, _buffer.Dequeue());
            _consumed++;
            if (_buffer.Count == 0 && _completeAt >= 0)
            {
                CompleteStage();
                return;
            }
            RequestMore(force: false);
        }

        private void RequestMore(bool force)
        {
            if (_partner is null || _completeAt >= 0) return;
            var upTo = _consumed + _settings.BufferCapacity;
            if (!force && upTo - _requestedUpTo < _renewThreshold) return;
            _requestedUpTo = upTo;
            _partner.Tell(new StreamRefDemand(upTo), _self);
        }

        public void OnDownstreamFinish(Exception? cause)
        {
            _partner?.Tell(new StreamRefCancelled(), _self);
            CompleteStage();
        }

        protected internal override void OnTimer(object timerKey)
        {
            switch (timerKey)
            {
                case SubscriptionTimer when !_attached:
                    FailStage(new StreamRefSubscriptionTimeoutException(_isOrigin
                        ? $"No one attached to the sink ref {_self!.Path} within {_settings.SubscriptionTimeout}."
                        : $"The source ref's origin {_partner!.Path} did not answer within {_settings.SubscriptionTimeout}."));
                    break;
                case RedeliveryTimer when _buffer.Count == 0 && _partner is not null && _completeAt < 0:
                    _partner.Tell(new StreamRefDemand(_requestedUpTo), _self);
                    break;
                case TerminationTimer:
                    FailStage(new RemoteStreamRefActorTerminatedException($"The sending side of the stream reference ({_partner!.Path}) terminated before the stream completed."));
                    break;
            }
        }

        protected internal override void PostStop()
        {
            Ref.TrySetException(new AbruptTerminationException("The sink ref stopped before it was materialized."));
            if (_self is not null) Materializer.System.Stop(_self);
        }
    }
}
