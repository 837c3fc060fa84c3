using Pipeline.Runtime.Actors;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Refs;

/// <summary>
/// The actor identity of one end of a stream reference: hands every protocol message (with its sender) to the
/// stage on its interpreter, and death-watches the partner: the one given at start (the side that resolved a
/// ref), or else the first that sends a handshake (the origin). A partner on another node is watched through
/// remote death watch, so the partner's node dying terminates the watch too.
/// </summary>
internal sealed class StreamRefStageActor : ActorBase
{
    private readonly AsyncCallback<(object Message, IActorRef Sender)> _deliver;
    private IActorRef? _watched;

    public StreamRefStageActor(AsyncCallback<(object, IActorRef)> deliver, IActorRef? partner)
    {
        _deliver = deliver;
        _watched = partner;
    }

    protected override void PreStart()
    {
        if (_watched is not null) Context.Watch(_watched);
    }

    protected override bool Receive(object message)
    {
        if (message is StreamRefHandshake && _watched is null && Sender is { } sender && !sender.Equals(Context.System.DeadLetters))
        {
            _watched = sender;
            Context.Watch(sender);
        }
        _deliver.Invoke((message, Sender));
        return true;
    }
}
