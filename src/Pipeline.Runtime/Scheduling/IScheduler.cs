using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Scheduling;

/// <summary>
/// Sends messages (or runs actions) later, once or repeatedly. Runs on the system's <see cref="TimeProvider"/>,
/// so that tests can drive time by hand with <see cref="ManualTimeProvider"/>.
/// </summary>
public interface IScheduler
{
    /// <summary>The scheduler's notion of now.</summary>
    DateTimeOffset Now { get; }

    /// <summary>Sends <paramref name="message"/> to <paramref name="receiver"/> after <paramref name="delay"/>.</summary>
    ICancelable ScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef? sender);

    /// <summary>Sends <paramref name="message"/> after <paramref name="initialDelay"/>, then every <paramref name="interval"/>.</summary>
    ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef? sender);

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> (keep it short and non-blocking).</summary>
    ICancelable ScheduleOnce(TimeSpan delay, Action action);

    /// <summary>Runs <paramref name="action"/> after <paramref name="initialDelay"/>, then every <paramref name="interval"/>.</summary>
    ICancelable ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action);
}
