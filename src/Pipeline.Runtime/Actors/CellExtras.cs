using Microsoft.Extensions.Logging;
using Pipeline.Runtime.Scheduling;

namespace Pipeline.Runtime.Actors;

/// <summary>The rarely used part of an actor's state, allocated on first use so that idle actors stay small.</summary>
internal sealed class CellExtras
{
    public ChildrenContainer? Children;
    public HashSet<IActorRef>? Watching;
    public HashSet<IActorRef>? WatchedBy;
    public HashSet<IActorRef>? TerminatedQueued;
    public Stack<Func<object, bool>>? Stack;
    public ILogger? Logger;
    public StashBuffer? Stash;
    public TimeSpan? ReceiveTimeout;
    public long LastActivity;
    public int ReceiveTimeoutGeneration;
    public ICancelable? ReceiveTimeoutTimer;
    public ActorSynchronizationContext? AsyncContext;
    public Dispatch.Envelope AsyncEnvelope;
    public Exception? PendingRecreateCause;
    public int SelectionCounter;

    public Stack<Func<object, bool>> BehaviorStack => Stack ??= new Stack<Func<object, bool>>();
}
