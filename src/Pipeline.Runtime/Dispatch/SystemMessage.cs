using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Dispatch;

/// <summary>
/// A kernel-internal message (lifecycle, supervision, death watch) that is processed before any user message
/// and even while the mailbox is suspended. Linked intrusively so that the system queue needs no extra nodes.
/// </summary>
internal abstract class SystemMessage
{
    internal SystemMessage? Next;
}

/// <summary>Creates the actor instance (first message of every actor).</summary>
internal sealed class Create : SystemMessage
{
    public static Create Instance => new();
}

/// <summary>Restarts the actor after a failure (supervisor decided Restart).</summary>
internal sealed class Recreate(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}

/// <summary>Suspends user-message processing (a parent's failure, or AllForOne before a restart).</summary>
internal sealed class Suspend : SystemMessage;

/// <summary>Resumes user-message processing; <see cref="CausedByFailure"/> is set for the Resume directive.</summary>
internal sealed class Resume(Exception? causedByFailure) : SystemMessage
{
    public Exception? CausedByFailure { get; } = causedByFailure;
}

/// <summary>Stops the actor (after its children).</summary>
internal sealed class Terminate : SystemMessage;

/// <summary>Starts watching: <see cref="Watcher"/> wants a Terminated for <see cref="Watchee"/>.</summary>
internal sealed class Watch(InternalActorRef watchee, InternalActorRef watcher) : SystemMessage
{
    public InternalActorRef Watchee { get; } = watchee;
    public InternalActorRef Watcher { get; } = watcher;
}

/// <summary>Stops watching.</summary>
internal sealed class Unwatch(InternalActorRef watchee, InternalActorRef watcher) : SystemMessage
{
    public InternalActorRef Watchee { get; } = watchee;
    public InternalActorRef Watcher { get; } = watcher;
}

/// <summary>Tells a watcher (or the parent) that an actor has terminated.</summary>
internal sealed class DeathWatchNotification(IActorRef actor, bool existenceConfirmed, bool addressTerminated) : SystemMessage
{
    public IActorRef Actor { get; } = actor;
    public bool ExistenceConfirmed { get; } = existenceConfirmed;
    public bool AddressTerminated { get; } = addressTerminated;
}

/// <summary>A child reports its failure to its parent, which applies its supervisor strategy.</summary>
internal sealed class Failed(IActorRef child, Exception cause, int uid) : SystemMessage
{
    public IActorRef Child { get; } = child;
    public Exception Cause { get; } = cause;
    public int Uid { get; } = uid;
}

/// <summary>Runs a continuation of a ReceiveAsync handler inside the actor.</summary>
internal sealed class RunContinuation(SendOrPostCallback callback, object? state) : SystemMessage
{
    public SendOrPostCallback Callback { get; } = callback;
    public object? State { get; } = state;
    public ActorSynchronizationContext? Context { get; init; }
}

/// <summary>The task of a ReceiveAsync handler finished; the mailbox resumes.</summary>
internal sealed class AsyncHandlerCompleted(Task task) : SystemMessage
{
    public Task Task { get; } = task;
    public ActorSynchronizationContext? Context { get; init; }
}

/// <summary>Raised by an actor's own failure to run Escalate from inside its mailbox.</summary>
internal sealed class EscalatedFailure(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}
