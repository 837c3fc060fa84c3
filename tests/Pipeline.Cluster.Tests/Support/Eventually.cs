using System.Globalization;

namespace Pipeline.Cluster.Tests.Support;

/// <summary>
/// Async polling with a generous deadline (tests assert behaviour, not speed). Deadlines stretch by
/// PIPELINE_TEST_TIME_FACTOR, which scripts/test.sh sets on small shared machines.
/// </summary>
public static class Eventually
{
    private static TimeSpan Deadline(TimeSpan? timeout)
    {
        var factor = double.TryParse(Environment.GetEnvironmentVariable("PIPELINE_TEST_TIME_FACTOR"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f >= 1 ? f : 1;
        return (timeout ?? TimeSpan.FromSeconds(20)) * factor;
    }

    public static Task True(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        True(() => Task.FromResult(condition()), what, timeout);

    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + Deadline(timeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for: {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>As <see cref="True(Func{bool}, string, TimeSpan?)"/>; a timeout's message ends with <paramref name="state"/>'s description of what was seen instead.</summary>
    public static async Task True(Func<bool> condition, string what, Func<string> state, TimeSpan? timeout = null)
    {
        try
        {
            await True(condition, what, timeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; state: {state()}", e);
        }
    }
}
