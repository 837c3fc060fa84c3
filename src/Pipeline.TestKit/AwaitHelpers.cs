using Xunit.Sdk;

namespace Pipeline.TestKit;

/// <summary>Retrying assertions for asynchronous systems: wait until an assertion holds or a deadline passes.</summary>
public static class AwaitHelpers
{
    /// <summary>Runs <paramref name="assertion"/> until it stops throwing; rethrows its last failure at the deadline.</summary>
    public static async Task AwaitAssertAsync(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null)
        => await AwaitAssertAsync(() => { assertion(); return Task.CompletedTask; }, duration, interval).ConfigureAwait(false);

    /// <summary>Runs the async <paramref name="assertion"/> until it stops throwing; rethrows its last failure at the deadline.</summary>
    public static async Task AwaitAssertAsync(Func<Task> assertion, TimeSpan? duration = null, TimeSpan? interval = null)
    {
        var limit = duration ?? TestTimeouts.Default;
        var step = interval ?? TimeSpan.FromMilliseconds(20);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            try
            {
                await assertion().ConfigureAwait(false);
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(step).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> is true; fails with <paramref name="message"/> at the deadline.</summary>
    public static async Task AwaitConditionAsync(Func<bool> condition, TimeSpan? duration = null, string? message = null)
    {
        var limit = duration ?? TestTimeouts.Default;
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
                throw new XunitException($"Condition not met within {limit.TotalMilliseconds:0} ms{(message is null ? "" : ": " + message)}.");
            await Task.Delay(10).ConfigureAwait(false);
        }
    }
}
