using Pipeline.Runtime.Dispatch;
using Pipeline.Runtime.Supervision;

namespace Pipeline.Runtime.Actors;

/// <summary>
/// The recipe for an actor: how to create an instance (again on every restart), on which dispatcher it runs,
/// which mailbox it gets and how it supervises its children. Immutable; the With* methods return copies.
/// </summary>
public sealed class Props
{
    private Props(Func<ActorBase> factory, Type actorType, string dispatcher, MailboxSettings mailbox, SupervisorStrategy? strategy, int stashCapacity)
    {
        Factory = factory;
        ActorType = actorType;
        Dispatcher = dispatcher;
        Mailbox = mailbox;
        SupervisorStrategy = strategy;
        StashCapacity = stashCapacity;
    }

    /// <summary>The name of the default dispatcher.</summary>
    public const string DefaultDispatcherId = "default";

    /// <summary>The default stash capacity: a stash is bounded like every other kernel queue.</summary>
    public const int DefaultStashCapacity = 100_000;

    /// <summary>Creates props from a factory that returns a new instance on every call.</summary>
    public static Props Create<TActor>(Func<TActor> factory) where TActor : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(factory, typeof(TActor), DefaultDispatcherId, MailboxSettings.Unbounded, null, DefaultStashCapacity);
    }

    /// <summary>Creates props for an actor type with a public parameterless constructor.</summary>
    public static Props Create<TActor>() where TActor : ActorBase, new() => Create(static () => new TActor());

    /// <summary>Makes a new actor instance.</summary>
    public Func<ActorBase> Factory { get; }

    /// <summary>The actor's type (for logs and metrics).</summary>
    public Type ActorType { get; }

    /// <summary>The dispatcher id.</summary>
    public string Dispatcher { get; }

    /// <summary>The mailbox kind.</summary>
    public MailboxSettings Mailbox { get; }

    /// <summary>How this actor supervises its children (null: the actor's own override or the default).</summary>
    public SupervisorStrategy? SupervisorStrategy { get; }

    /// <summary>Maximum number of stashed messages.</summary>
    public int StashCapacity { get; }

    /// <summary>Runs on another dispatcher (e.g. "pinned").</summary>
    public Props WithDispatcher(string dispatcher) => new(Factory, ActorType, dispatcher, Mailbox, SupervisorStrategy, StashCapacity);

    /// <summary>Uses another mailbox.</summary>
    public Props WithMailbox(MailboxSettings mailbox) => new(Factory, ActorType, Dispatcher, mailbox, SupervisorStrategy, StashCapacity);

    /// <summary>Supervises children with this strategy.</summary>
    public Props WithSupervisorStrategy(SupervisorStrategy strategy) => new(Factory, ActorType, Dispatcher, Mailbox, strategy, StashCapacity);

    /// <summary>Sets the stash capacity.</summary>
    public Props WithStashCapacity(int capacity)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Stash capacity must be at least 1.");
        return new(Factory, ActorType, Dispatcher, Mailbox, SupervisorStrategy, capacity);
    }

    /// <inheritdoc />
    public override string ToString() => $"Props({ActorType.Name}, dispatcher={Dispatcher}, mailbox={(Mailbox.Capacity is { } c ? $"bounded {c} {Mailbox.Overflow}" : "unbounded")})";
}
