namespace Pipeline.Persistence.Query;

/// <summary>
/// Wakes live queries when new events are committed (by this process's writer, or by a PostgreSQL NOTIFY),
/// so they need not wait for the next polling tick.
/// </summary>
internal sealed class JournalChangeSignal
{
    private TaskCompletionSource _current = NewSource();

    /// <summary>A task that completes at the next <see cref="Signal"/>; take it BEFORE querying to miss nothing.</summary>
    public Task NextChange => Volatile.Read(ref _current).Task;

    /// <summary>Wakes every waiter.</summary>
    public void Signal() => Interlocked.Exchange(ref _current, NewSource()).TrySetResult();

    /// <summary>Waits for the next change or the polling interval, whichever comes first.</summary>
    public static async Task WaitAsync(Task change, TimeSpan pollingInterval, CancellationToken cancellationToken)
    {
        if (!change.IsCompleted)
        {
            using var delayCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(pollingInterval, delayCancel.Token);
            await Task.WhenAny(change, delay).ConfigureAwait(false);
            await delayCancel.CancelAsync().ConfigureAwait(false);
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
