namespace Pipeline.Streams.Control;

/// <summary>The kill switch of one materialized <see cref="KillSwitches.Single{T}"/> stage. Only the first call counts.</summary>
public sealed class UniqueKillSwitch : IKillSwitch
{
    private readonly Action<Exception?> _trigger;
    private int _triggered;

    internal UniqueKillSwitch(Action<Exception?> trigger) => _trigger = trigger;

    /// <inheritdoc />
    public void Shutdown()
    {
        if (Interlocked.Exchange(ref _triggered, 1) == 0) _trigger(null);
    }

    /// <inheritdoc />
    public void Abort(Exception cause)
    {
        ArgumentNullException.ThrowIfNull(cause);
        if (Interlocked.Exchange(ref _triggered, 1) == 0) _trigger(cause);
    }
}
