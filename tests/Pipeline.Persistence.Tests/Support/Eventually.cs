namespace Pipeline.Persistence.Tests.Support;

/// <summary>Async waiting with a deadline, instead of sleeps.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            if (await condition())
                return;
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"Timed out after {deadline} waiting for: {what}");
            await Task.Delay(20);
        }
    }
}
