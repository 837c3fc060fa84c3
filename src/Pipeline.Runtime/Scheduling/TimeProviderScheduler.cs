using Microsoft.Extensions.Logging;
using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Scheduling;

/// <summary>
/// The scheduler of an actor system, built on <see cref="TimeProvider"/> timers: real time in production,
/// virtual time in tests. Every scheduled item is cancellable, and all are cancelled when the system stops.
/// </summary>
public sealed class TimeProviderScheduler : IScheduler, IDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly HashSet<ScheduledItem> _live = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Creates a scheduler on a time provider.</summary>
    public TimeProviderScheduler(TimeProvider time, ILogger log)
    {
        _time = time;
        _log = log;
    }

    /// <inheritdoc />
    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Number of scheduled items not yet finished or cancelled.</summary>
    public int PendingCount
    {
        get { lock (_lock) return _live.Count; }
    }

    /// <inheritdoc />
    public ICancelable ScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        return Schedule(delay, null, () => receiver.Tell(message, sender));
    }

    /// <inheritdoc />
    public ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        ValidateInterval(interval);
        return Schedule(initialDelay, interval, () => receiver.Tell(message, sender));
    }

    /// <inheritdoc />
    public ICancelable ScheduleOnce(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Schedule(delay, null, action);
    }

    /// <inheritdoc />
    public ICancelable ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        ValidateInterval(interval);
        return Schedule(initialDelay, interval, action);
    }

    private static void ValidateInterval(TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), interval, "A repeat interval must be positive.");
    }

    private ScheduledItem Schedule(TimeSpan delay, TimeSpan? interval, Action action)
    {
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        var item = new ScheduledItem(this, action, interval);
        lock (_lock)
        {
            if (_disposed) throw new ObjectDisposedException(nameof(TimeProviderScheduler), "The actor system's scheduler has been shut down.");
            _live.Add(item);
        }
        item.Start(_time, delay);
        return item;
    }

    private void Remove(ScheduledItem item)
    {
        lock (_lock) _live.Remove(item);
    }

    private void Run(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            _log.LogError(e, "A scheduled action threw");
        }
    }

    /// <summary>Cancels everything still scheduled.</summary>
    public void Dispose()
    {
        ScheduledItem[] items;
        lock (_lock)
        {
            _disposed = true;
            items = _live.ToArray();
            _live.Clear();
        }
        foreach (var i in items) i.Cancel();
    }

    private sealed class ScheduledItem(TimeProviderScheduler owner, Action action, TimeSpan? interval) : ICancelable
    {
        private ITimer? _timer;
        private int _cancelled;
        private int _ran;

        public bool IsCancellationRequested => Volatile.Read(ref _cancelled) != 0;

        public void Start(TimeProvider time, TimeSpan delay)
        {
            var timer = time.CreateTimer(static s => ((ScheduledItem)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer = timer;
            if (!IsCancellationRequested) timer.Change(delay, interval ?? Timeout.InfiniteTimeSpan);
        }

        private void Fire()
        {
            if (IsCancellationRequested) return;
            if (interval is null)
            {
                if (Interlocked.Exchange(ref _ran, 1) != 0) return;
                owner.Remove(this);
                _timer?.Dispose();
            }
            owner.Run(action);
        }

        public bool Cancel()
        {
            if (Interlocked.Exchange(ref _cancelled, 1) != 0) return false;
            _timer?.Dispose();
            owner.Remove(this);
            return Volatile.Read(ref _ran) == 0 || interval is not null;
        }
    }
}
