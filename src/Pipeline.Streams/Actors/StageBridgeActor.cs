using Pipeline.Runtime.Actors;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Actors;

/// <summary>
/// Gives a stage an actor identity (Akka's stage actor): messages sent to it, and the Terminated of the actor it
/// watches, are handed to the stage on its interpreter with their sender.
/// </summary>
internal sealed class StageBridgeActor : ActorBase
{
    private readonly AsyncCallback<(object Message, IActorRef Sender)> _deliver;
    private readonly IActorRef? _watch;

    public StageBridgeActor(AsyncCallback<(object, IActorRef)> deliver, IActorRef? watch)
    {
        _deliver = deliver;
        _watch = watch;
    }

    protected override void PreStart()
    {
        if (_watch is not null) Context.Watch(_watch);
    }

    protected override bool Receive(object message)
    {
        _deliver.Invoke((message, Sender));
        return true;
    }
}
