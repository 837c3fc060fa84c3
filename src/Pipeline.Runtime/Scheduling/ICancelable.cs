namespace Pipeline.Runtime.Scheduling;

/// <summary>A handle to something scheduled; cancelling it guarantees no further delivery.</summary>
public interface ICancelable
{
    /// <summary>Cancels; returns true if this call cancelled it (false if it already ran once-only or was cancelled).</summary>
    bool Cancel();

    /// <summary>Whether it has been cancelled.</summary>
    bool IsCancellationRequested { get; }
}
