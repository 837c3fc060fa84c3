using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Supervision;

/// <summary>
/// How a parent handles a failed child: a decider maps the exception to a <see cref="Directive"/>, and a
/// restart budget (max retries within a time window) stops a child that keeps failing. Subclasses say whether
/// the directive applies to the failed child only or to all children.
/// </summary>
public abstract class SupervisorStrategy
{
    /// <summary>Creates a strategy.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed within <paramref name="withinTimeRange"/>; -1 for no limit, 0 for none.</param>
    /// <param name="withinTimeRange">The window for the retry count; null counts over the child's whole life.</param>
    /// <param name="decider">Maps an exception to a directive.</param>
    protected SupervisorStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider)
    {
        ArgumentNullException.ThrowIfNull(decider);
        if (maxNrOfRetries < -1) throw new ArgumentOutOfRangeException(nameof(maxNrOfRetries), maxNrOfRetries, "Use -1 for unlimited retries.");
        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange;
        Decider = decider;
    }

    /// <summary>Restarts allowed within the window (-1: unlimited).</summary>
    public int MaxNrOfRetries { get; }

    /// <summary>The retry window (null: the child's whole life).</summary>
    public TimeSpan? WithinTimeRange { get; }

    /// <summary>Maps an exception to a directive.</summary>
    public Func<Exception, Directive> Decider { get; }

    /// <summary>True when a directive for one child applies to all of its siblings too.</summary>
    public abstract bool AppliesToAllChildren { get; }

    /// <summary>
    /// Akka's default decision: failures to start, Kill and unhandled Terminated stop the actor; any other
    /// exception restarts it.
    /// </summary>
    public static Directive DefaultDecider(Exception exception) => exception switch
    {
        ActorInitializationException => Directive.Stop,
        ActorKilledException => Directive.Stop,
        DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>One-for-one with the default decider and unlimited restarts.</summary>
    public static SupervisorStrategy Default { get; } = new OneForOneStrategy(DefaultDecider);

    /// <summary>Stops any failing child.</summary>
    public static SupervisorStrategy StoppingStrategy { get; } = new OneForOneStrategy(static _ => Directive.Stop);
}

/// <summary>Applies the directive to the failed child alone.</summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    /// <summary>Creates a one-for-one strategy with a restart budget.</summary>
    public OneForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider)
        : base(maxNrOfRetries, withinTimeRange, decider) { }

    /// <summary>Creates a one-for-one strategy with unlimited restarts.</summary>
    public OneForOneStrategy(Func<Exception, Directive> decider) : base(-1, null, decider) { }

    /// <inheritdoc />
    public override bool AppliesToAllChildren => false;
}

/// <summary>Applies the directive to all children when one fails (for children that only make sense together).</summary>
public sealed class AllForOneStrategy : SupervisorStrategy
{
    /// <summary>Creates an all-for-one strategy with a restart budget.</summary>
    public AllForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider)
        : base(maxNrOfRetries, withinTimeRange, decider) { }

    /// <summary>Creates an all-for-one strategy with unlimited restarts.</summary>
    public AllForOneStrategy(Func<Exception, Directive> decider) : base(-1, null, decider) { }

    /// <inheritdoc />
    public override bool AppliesToAllChildren => true;
}
