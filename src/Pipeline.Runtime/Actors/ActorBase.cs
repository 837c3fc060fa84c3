using Pipeline.Runtime.Supervision;

namespace Pipeline.Runtime.Actors;

/// <summary>
/// The base class of every actor: one message at a time, private state, lifecycle hooks. Override
/// <see cref="Receive"/> (or derive from <see cref="ReceiveActor"/>). The context (Self, Sender, children)
/// is available from <see cref="PreStart"/> on, not in the constructor.
/// </summary>
public abstract class ActorBase
{
    private ActorCell? _cell;

    internal ActorCell Cell => _cell ?? throw new ActorUsageException(
        $"{GetType().Name}: the actor context is not available in the constructor. Move this code to PreStart().");

    internal void Attach(ActorCell cell) => _cell = cell;

    internal bool AroundReceive(object message) => Receive(message);
    internal void AroundUnhandled(object message) => Unhandled(message);
    internal void AroundPreStart() => PreStart();
    internal void AroundPostStop() => PostStop();
    internal void AroundPreRestart(Exception reason, object? message) => PreRestart(reason, message);
    internal void AroundPostRestart(Exception reason) => PostRestart(reason);
    internal SupervisorStrategy AroundSupervisorStrategy() => SupervisorStrategy();

    /// <summary>The actor's context.</summary>
    protected IActorContext Context => Cell;

    /// <summary>This actor's reference.</summary>
    protected IActorRef Self => Cell;

    /// <summary>The sender of the current message (dead letters when there was none).</summary>
    protected IActorRef Sender => Cell.Sender;

    /// <summary>The stash of this actor.</summary>
    protected IStash Stash => Cell.Stash;

    /// <summary>Handles a message; returns false when it was not handled (it then goes to <see cref="Unhandled"/>).</summary>
    protected abstract bool Receive(object message);

    /// <summary>Sends a message with this actor as sender.</summary>
    protected void Send(IActorRef target, object message) => target.Tell(message, Cell);

    /// <summary>Answers the sender of the current message, with this actor as sender.</summary>
    protected void Reply(object message) => Cell.Sender.Tell(message, Cell);

    /// <summary>Called for messages nobody handled: publishes <see cref="UnhandledMessage"/>; an unhandled
    /// <see cref="Terminated"/> fails the actor with <see cref="DeathPactException"/>.</summary>
    protected virtual void Unhandled(object message)
    {
        if (message is Terminated t) throw new DeathPactException(t.ActorRef);
        Cell.PublishUnhandled(message);
    }

    /// <summary>Called once before the first message (and after a restart, by <see cref="PostRestart"/>).</summary>
    protected virtual void PreStart() { }

    /// <summary>Called once after the actor stopped (and before a restart, by <see cref="PreRestart"/>).</summary>
    protected virtual void PostStop() { }

    /// <summary>Called on the failed instance before a restart. The default stops all children and calls <see cref="PostStop"/>.</summary>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in Cell.Children) Cell.Stop(child);
        PostStop();
    }

    /// <summary>Called on the fresh instance after a restart. The default calls <see cref="PreStart"/>.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>How this actor supervises its children; the default comes from its props, else one-for-one restart.</summary>
    protected virtual SupervisorStrategy SupervisorStrategy() => Cell.Props.SupervisorStrategy ?? Cell.System.Settings.DefaultSupervisorStrategy;
}
