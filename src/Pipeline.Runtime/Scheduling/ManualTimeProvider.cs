namespace Pipeline.Runtime.Scheduling;

/// <summary>
/// Virtual time for tests: time stands still until <see cref="Advance"/> moves it, firing due timers in
/// due-time order. Give it to <c>ActorSystemSettings.TimeProvider</c> and the scheduler, receive timeouts
/// and ask timeouts all run on it, so timing tests are exact and instant.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = new();
    private DateTimeOffset _now;
    private long _sequence;

    /// <summary>Starts at <paramref name="start"/> (default: 2000-01-01 UTC).</summary>
    public ManualTimeProvider(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Number of active timers.</summary>
    public int ActiveTimers
    {
        get { lock (_lock) return _timers.Count(t => t.DueAt is not null); }
    }

    /// <summary>Moves time forward, firing every timer that falls due on the way, in order.</summary>
    public void Advance(TimeSpan delta)
    {
        if (delta < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(delta), delta, "Time only moves forward.");
        DateTimeOffset target;
        lock (_lock) target = _now + delta;
        while (true)
        {
            ManualTimer? next = null;
            lock (_lock)
            {
                foreach (var t in _timers)
                {
                    if (t.DueAt is not { } due || due > target) continue;
                    if (next is null || due < next.DueAt || (due == next.DueAt && t.Order < next.Order)) next = t;
                }
                if (next is null)
                {
                    _now = target;
                    return;
                }
                _now = next.DueAt!.Value;
                next.DueAt = next.Period is { } p ? _now + p : null;
                next.Order = ++_sequence;
            }
            next.Callback(next.State);
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_lock) _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;
        public object? State { get; } = state;
        public DateTimeOffset? DueAt { get; set; }
        public TimeSpan? Period { get; private set; }
        public long Order { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                if (!owner._timers.Contains(this)) return false;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
                Period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? null : period;
                Order = ++owner._sequence;
            }
            return true;
        }

        public void Dispose()
        {
            lock (owner._lock) owner._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
