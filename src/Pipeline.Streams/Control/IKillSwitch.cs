namespace Pipeline.Streams.Control;

/// <summary>Stops a running stream from outside: Shutdown completes it downstream and cancels it upstream, Abort fails it.</summary>
public interface IKillSwitch
{
    /// <summary>Completes the downstream and cancels the upstream of the switch's stage(s).</summary>
    void Shutdown();

    /// <summary>Fails the downstream with <paramref name="cause"/> and cancels the upstream.</summary>
    void Abort(Exception cause);
}
