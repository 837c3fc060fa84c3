using Pipeline.Runtime.Dispatch;

namespace Pipeline.Runtime.Actors;

/// <summary>
/// Where undeliverable messages go: each becomes a <see cref="DeadLetter"/> on the event stream (and in the
/// rate-limited log and the metrics). Watching it yields Terminated at once.
/// </summary>
internal sealed class DeadLetterActorRef(ActorSystem system, ActorPath path) : InternalActorRef
{
    public override ActorPath Path => path;
    public override InternalActorRef Parent => system.Root;
    public override bool IsTerminated => false;
    internal override ActorSystem? OwnerSystem => system;

    public override void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is DeadLetter d) system.PublishDeadLetter(d);
        else system.DeadLetter(message, sender, this, "sent to dead letters");
    }

    internal override void SendSystemMessage(SystemMessage message)
    {
        if (message is Watch w && ReferenceEquals(w.Watchee, this))
            w.Watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: false, addressTerminated: false));
    }

    public override void Stop() { }
}

/// <summary>A placeholder parent for internal references (temporary ask refs): it has no cell and ignores everything.</summary>
internal sealed class VirtualPathContainer(ActorSystem system, ActorPath path) : InternalActorRef
{
    public override ActorPath Path => path;
    public override InternalActorRef Parent => system.Root;
    public override bool IsTerminated => false;
    internal override ActorSystem? OwnerSystem => system;
    public override void Tell(object message, IActorRef? sender = null) => system.DeadLetter(message, sender, this, "sent to a path container");
    internal override void SendSystemMessage(SystemMessage message) { }
    public override void Stop() { }
}

/// <summary>
/// The parent of the root guardian: when the root guardian stops, the actor system has terminated; when it
/// fails, it is stopped.
/// </summary>
internal sealed class RootParentRef(ActorSystem system, ActorPath path) : InternalActorRef
{
    public override ActorPath Path => path;
    public override InternalActorRef Parent => this;
    public override bool IsTerminated => false;
    internal override ActorSystem? OwnerSystem => system;
    public override void Tell(object message, IActorRef? sender = null) => system.DeadLetter(message, sender, this, "sent to the root's parent");

    internal override void SendSystemMessage(SystemMessage message)
    {
        switch (message)
        {
            case Failed f:
                system.LogActorError(f.Child, f.Cause, "The root guardian failed; stopping the actor system");
                ((InternalActorRef)f.Child).Stop();
                break;
            case DeathWatchNotification n when ReferenceEquals(n.Actor, system.Root):
                system.OnRootTerminated();
                break;
        }
    }

    public override void Stop() { }
}
