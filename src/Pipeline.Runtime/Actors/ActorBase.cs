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

    internal bool InvokeReceive(object message) => AroundReceive(message);
    internal void InvokeUnhandled(object message) => Unhandled(message);
    internal void InvokePreStart() => AroundPreStart();
    internal void InvokePostStop() => AroundPostStop();
    internal void InvokePreRestart(Exception reason, object? message) => AroundPreRestart(reason, message);
    internal void InvokePostRestart(Exception reason) => AroundPostRestart(reason);
    internal SupervisorStrategy InvokeSupervisorStrategy() => SupervisorStrategy();

    /// <summary>
    /// Wraps every message delivery; the default hands it to the current behaviour (<see cref="ReceiveWithBehavior"/>).
    /// Infrastructure base classes (persistent actors) override it to run their own protocol around it.
    /// </summary>
    protected virtual bool AroundReceive(object message) => ReceiveWithBehavior(message);

    /// <summary>Hands a message to the current behaviour: the one set by Become, else <see cref="Receive"/>.</summary>
    protected bool ReceiveWithBehavior(object message) => Cell.Behavior is { } behavior ? behavior(message) : Receive(message);

    /// <summary>Wraps <see cref="PreStart"/> (for infrastructure base classes).</summary>
    protected virtual void AroundPreStart() => PreStart();

    /// <summary>Wraps <see cref="PostStop"/> (for infrastructure base classes).</summary>
    protected virtual void AroundPostStop() => PostStop();

    /// <summary>Wraps <see cref="PreRestart"/> (for infrastructure base classes).</summary>
    protected virtual void AroundPreRestart(Exception reason, object? message) => PreRestart(reason, message);

    /// <summary>Wraps <see cref="PostRestart"/> (for infrastructure base classes).</summary>
    protected virtual void AroundPostRestart(Exception reason) => PostRestart(reason);

    /// <summary>
    /// Runs an asynchronous operation inside the actor: its continuations run as this actor (they may touch
    /// its state), and the actor takes no other user message until the task completes. A failure of the task
    /// goes to the supervisor like any exception thrown while handling a message.
    /// </summary>
    protected void RunTask(Func<Task> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        Cell.RunAsync(task);
    }

    /// <summary>
    /// Runs <paramref name="action"/> with <see cref="Sender"/> set to <paramref name="sender"/> (for infrastructure
    /// base classes that run user callbacks later on behalf of an earlier message, e.g. persist handlers).
    /// </summary>
    protected void RunWithSender(IActorRef? sender, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Cell.RunWithSender(sender, action);
    }

    /// <summary>
    /// Creates an extra stash for infrastructure base classes (e.g. the commands a persistent actor holds
    /// back while it persists), separate from the user's <see cref="Stash"/>.
    /// </summary>
    protected IStash CreateStash(int capacity) => new StashBuffer(Cell, capacity);

    /// <summary>The actor's context.</summary>
    protected IActorContext Context => Cell;

    /// <summary>Whether the context is attached (false inside the constructor).</summary>
    protected bool HasContext => _cell is not null;

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
