using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Patterns;

/// <summary>
/// Keeps a child alive by starting it again after it stops, waiting longer after each stop (exponential
/// backoff with jitter, reset once the child has lived for a while). The standard home of persistent actors,
/// which stop on a journal failure: with it they come back by themselves once the database is back.
/// Messages sent to the supervisor go to the current child; while there is none they become dead letters.
/// </summary>
public sealed class BackoffSupervisor : ActorBase
{
    /// <summary>Asks for the current child; the answer is <see cref="CurrentChild"/>.</summary>
    public sealed record GetCurrentChild : INoSerializationVerificationNeeded
    {
        /// <summary>The single instance.</summary>
        public static GetCurrentChild Instance { get; } = new();
    }

    /// <summary>The current child, or null between a stop and the next start.</summary>
    public sealed record CurrentChild(IActorRef? Ref) : INoSerializationVerificationNeeded;

    /// <summary>Asks how many times the child was restarted; the answer is an int.</summary>
    public sealed record GetRestartCount : INoSerializationVerificationNeeded
    {
        /// <summary>The single instance.</summary>
        public static GetRestartCount Instance { get; } = new();
    }

    private sealed record StartChild(int Generation) : INoSerializationVerificationNeeded;

    private readonly Props _childProps;
    private readonly string _childName;
    private readonly TimeSpan _minBackoff;
    private readonly TimeSpan _maxBackoff;
    private readonly double _randomFactor;
    private IActorRef? _child;
    private int _attempt;
    private int _restarts;
    private int _generation;
    private DateTimeOffset _childStartedAt;

    private BackoffSupervisor(Props childProps, string childName, TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor)
    {
        _childProps = childProps;
        _childName = childName;
        _minBackoff = minBackoff;
        _maxBackoff = maxBackoff;
        _randomFactor = randomFactor;
    }

    /// <summary>Props of a backoff supervisor around <paramref name="childProps"/>.</summary>
    public static Props Props(Props childProps, string childName, TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor = 0.2)
    {
        ArgumentNullException.ThrowIfNull(childProps);
        if (minBackoff <= TimeSpan.Zero || maxBackoff < minBackoff) throw new ArgumentException($"Backoff needs 0 < minBackoff <= maxBackoff (got {minBackoff}, {maxBackoff}).");
        if (randomFactor is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(randomFactor), randomFactor, "The random factor must be between 0 and 1.");
        return Actors.Props.Create(() => new BackoffSupervisor(childProps, childName, minBackoff, maxBackoff, randomFactor))
            .WithSupervisorStrategy(Supervision.SupervisorStrategy.StoppingStrategy);
    }

    /// <summary>The wait before restart number <paramref name="attempt"/> (0-based), before jitter.</summary>
    public static TimeSpan BackoffFor(int attempt, TimeSpan minBackoff, TimeSpan maxBackoff)
    {
        var factor = Math.Pow(2, Math.Min(attempt, 30));
        var ticks = Math.Min(maxBackoff.Ticks, minBackoff.Ticks * factor);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <inheritdoc />
    protected override void PreStart() => Start();

    private void Start()
    {
        _child = Context.Watch(Context.ActorOf(_childProps, _childName));
        _childStartedAt = Context.System.TimeProvider.GetUtcNow();
    }

    /// <inheritdoc />
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case Terminated t when Equals(t.ActorRef, _child):
                _child = null;
                if (Context.System.TimeProvider.GetUtcNow() - _childStartedAt >= _maxBackoff) _attempt = 0;
                var wait = BackoffFor(_attempt++, _minBackoff, _maxBackoff);
                wait += TimeSpan.FromTicks((long)(wait.Ticks * _randomFactor * Random.Shared.NextDouble()));
                Context.System.Scheduler.ScheduleTellOnce(wait, Self, new StartChild(++_generation), Self);
                Context.Log.LogBackoff(_childName, wait);
                return true;
            case StartChild s when s.Generation == _generation && _child is null:
                _restarts++;
                Start();
                return true;
            case StartChild:
                return true;
            case GetCurrentChild:
                Reply(new CurrentChild(_child));
                return true;
            case GetRestartCount:
                Reply(_restarts);
                return true;
            default:
                if (_child is not null) _child.Tell(message, Sender);
                else Context.System.DeadLetters.Tell(message, Sender);
                return true;
        }
    }
}

internal static class BackoffSupervisorLog
{
    public static void LogBackoff(this Microsoft.Extensions.Logging.ILogger log, string child, TimeSpan wait)
        => Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(log, "Child {Child} stopped; starting it again in {Wait}", child, wait);
}
