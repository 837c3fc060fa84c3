namespace Pipeline.Runtime.Actors;

/// <summary>The internal tick that checks a receive timeout; stale ticks (older generation) are ignored.</summary>
internal sealed record ReceiveTimeoutTick(int Generation) : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded;

internal sealed partial class ActorCell
{
    public TimeSpan? ReceiveTimeout => _extras?.ReceiveTimeout;

    public void SetReceiveTimeout(TimeSpan? timeout)
    {
        if (timeout is { } t && t <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), t, "A receive timeout must be positive (or null to switch it off).");
        var extras = Extras;
        CancelReceiveTimeout();
        extras.ReceiveTimeout = timeout;
        if (timeout is null) return;
        MarkActivity();
        ScheduleReceiveTimeoutTick(timeout.Value);
    }

    private void MarkActivity() => _extras!.LastActivity = _system.TimeProvider.GetTimestamp();

    private void ScheduleReceiveTimeoutTick(TimeSpan delay)
    {
        var extras = _extras!;
        extras.ReceiveTimeoutTimer = _system.Scheduler.ScheduleTellOnce(delay, this, new ReceiveTimeoutTick(extras.ReceiveTimeoutGeneration), null);
    }

    private void CancelReceiveTimeout()
    {
        var extras = _extras;
        if (extras is null) return;
        extras.ReceiveTimeoutGeneration++;
        extras.ReceiveTimeoutTimer?.Cancel();
        extras.ReceiveTimeoutTimer = null;
    }

    private void OnReceiveTimeoutTick(ReceiveTimeoutTick tick)
    {
        var extras = _extras;
        if (extras?.ReceiveTimeout is not { } timeout || tick.Generation != extras.ReceiveTimeoutGeneration) return;
        var idle = _system.TimeProvider.GetElapsedTime(extras.LastActivity);
        if (idle >= timeout)
        {
            extras.LastActivity = _system.TimeProvider.GetTimestamp();
            ScheduleReceiveTimeoutTick(timeout);
            if (!_actor!.InvokeReceive(Actors.ReceiveTimeout.Instance)) _actor!.InvokeUnhandled(Actors.ReceiveTimeout.Instance);
        }
        else
        {
            ScheduleReceiveTimeoutTick(timeout - idle);
        }
    }
}
