using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Dispatch;

/// <summary>
/// Decides on which thread a mailbox runs. <see cref="Throughput"/> is how many user messages an actor may
/// process in one turn before it yields its thread: higher is faster, lower is fairer.
/// </summary>
public abstract class MessageDispatcher
{
    /// <summary>Creates a dispatcher.</summary>
    protected MessageDispatcher(string id, int throughput)
    {
        if (throughput < 1) throw new ArgumentOutOfRangeException(nameof(throughput), throughput, $"Dispatcher '{id}': throughput must be at least 1.");
        Id = id;
        Throughput = throughput;
    }

    /// <summary>The dispatcher's name, as used in <see cref="Props.WithDispatcher"/>.</summary>
    public string Id { get; }

    /// <summary>Messages per actor turn.</summary>
    public int Throughput { get; }

    internal abstract void Execute(Mailbox mailbox);

    /// <summary>
    /// Whether a thread that delivers a burst of messages (a remoting reader) may run this dispatcher's actors'
    /// turns itself instead of scheduling them. True for the thread-pool dispatcher, whose actors may run on any
    /// thread; false for dispatchers that own their threads (pinned).
    /// </summary>
    public virtual bool AllowsInlineTurns => false;

    /// <summary>Schedules a mailbox that used up its turn with work left: behind every actor already waiting.</summary>
    internal virtual void ExecuteFair(Mailbox mailbox) => Execute(mailbox);

    internal virtual void Attach(ActorCell cell) { }

    internal virtual void Detach(ActorCell cell) { }

    internal virtual void Shutdown() { }
}

/// <summary>The default dispatcher: actors run on the .NET thread pool, scheduled without allocation.</summary>
public sealed class ThreadPoolDispatcher : MessageDispatcher
{
    private readonly bool _preferLocal;

    /// <summary>Creates a thread-pool dispatcher.</summary>
    /// <param name="id">Name.</param>
    /// <param name="throughput">Messages per actor turn.</param>
    /// <param name="preferLocal">Queue a woken actor on the current worker's local queue (better locality).</param>
    public ThreadPoolDispatcher(string id, int throughput, bool preferLocal = true) : base(id, throughput)
        => _preferLocal = preferLocal;

    internal override void Execute(Mailbox mailbox) => ThreadPool.UnsafeQueueUserWorkItem(mailbox, _preferLocal);

    /// <inheritdoc />
    public override bool AllowsInlineTurns => true;

    internal override void ExecuteFair(Mailbox mailbox) => ThreadPool.UnsafeQueueUserWorkItem(mailbox, preferLocal: false);
}
