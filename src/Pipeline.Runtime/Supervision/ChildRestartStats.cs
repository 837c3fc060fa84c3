namespace Pipeline.Runtime.Supervision;

/// <summary>Counts a child's restarts inside the current window, to enforce a strategy's retry budget.</summary>
internal sealed class ChildRestartStats
{
    private int _count;
    private long _windowStart;

    /// <summary>Records a restart request; false when the budget is spent (the child must stop).</summary>
    public bool RequestRestartPermission(SupervisorStrategy strategy, long nowTicks)
    {
        var max = strategy.MaxNrOfRetries;
        if (max < 0) return true;
        if (max == 0) return false;
        if (strategy.WithinTimeRange is not { } window) return ++_count <= max;
        if (_count == 0 || nowTicks - _windowStart > window.Ticks)
        {
            _count = 1;
            _windowStart = nowTicks;
            return true;
        }
        return ++_count <= max;
    }
}
