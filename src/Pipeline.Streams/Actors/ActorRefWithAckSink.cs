using Pipeline.Runtime.Actors;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;
using Pipeline.Streams.Stages;

namespace Pipeline.Streams.Actors;

/// <summary>
/// Sends each element to an actor and waits for its acknowledgement before pulling the next (one in flight), so
/// that the actor's pace is the stream's. Sends <c>onInit</c> first (and waits for its ack), <c>onComplete</c>
/// at the end, <c>onFailure(cause)</c> on a failure. If the actor dies, the stream fails.
/// </summary>
internal sealed class ActorRefWithAckSink<T>(IActorRef target, object onInit, object ack, object onComplete, Func<Exception, object> onFailure)
    : SinkStage<T, NotUsed>("actor-ref-with-ack")
{
    internal IActorRef Target { get; } = target;
    internal object OnInit { get; } = onInit;
    internal object Ack { get; } = ack;
    internal object OnCompleteMessage { get; } = onComplete;
    internal Func<Exception, object> OnFailureMessage { get; } = onFailure;

    public override (GraphStageLogic Logic, NotUsed Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
        => (new Logic(this), NotUsed.Instance);

    private sealed class Logic : GraphStageLogic, IInHandler
    {
        private readonly ActorRefWithAckSink<T> _s;
        private readonly AsyncCallback<(object Message, IActorRef Sender)> _onMessage;
        private IActorRef? _self;
        private bool _awaitingAck;
        private bool _upstreamDone;

        public Logic(ActorRefWithAckSink<T> s) : base(StageShape.Sink(s.In))
        {
            _s = s;
            SetHandler(s.In, this);
            _onMessage = GetAsyncCallback<(object, IActorRef)>(OnMessage);
        }

        protected internal override void PreStart()
        {
            SetKeepGoing(true);
            _self = Materializer.System.SystemActorOf(Props.Create(() => new StageBridgeActor(_onMessage, _s.Target)));
            _awaitingAck = true;
            _s.Target.Tell(_s.OnInit, _self);
        }

        private void OnMessage((object Message, IActorRef Sender) m)
        {
            if (m.Message is Terminated t && t.ActorRef.Equals(_s.Target))
            {
                FailStage(new InvalidOperationException($"Sink.ActorRefWithAck: the target actor {_s.Target.Path} terminated."));
                return;
            }
            if (!Equals(m.Message, _s.Ack) || !_awaitingAck) return;
            _awaitingAck = false;
            if (_upstreamDone) Finish();
            else if (!IsClosed(_s.In)) Pull(_s.In);
        }

        public void OnPush()
        {
            _awaitingAck = true;
            _s.Target.Tell(Grab(_s.In)!, _self);
        }

        public void OnUpstreamFinish()
        {
            _upstreamDone = true;
            if (!_awaitingAck) Finish();
        }

        private void Finish()
        {
            _s.Target.Tell(_s.OnCompleteMessage, _self);
            CompleteStage();
        }

        public void OnUpstreamFailure(Exception cause)
        {
            _s.Target.Tell(_s.OnFailureMessage(cause), _self);
            FailStage(cause);
        }

        protected internal override void PostStop()
        {
            if (_self is not null) Materializer.System.Stop(_self);
        }
    }
}
