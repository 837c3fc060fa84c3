using System.Diagnostics;
using System.Globalization;
using Pipeline.Benchmarks.Reporting;
using Pipeline.Runtime.Actors;

namespace Pipeline.Benchmarks.Spawn;

/// <summary>
/// Spawns N (default 1M) idle actors under /user and measures the time until every one has been created
/// (its instance constructed by the Create system message), and the managed memory they hold while alive:
/// GC.GetTotalMemory(true) after minus before, divided by N. Everything an actor needs is counted: cell,
/// mailbox, path, name, instance and its entry in the parent's children.
/// </summary>
internal static class SpawnBenchmark
{
    public static async Task RunAsync(BenchmarkOptions options)
    {
        var actors = options.Int("actors", 1_000_000);
        var runs = options.Int("runs", 3);
        Console.WriteLine($"== spawn: {actors:N0} idle actors, {runs} runs");
        await MeasureAsync(actors / 10).ConfigureAwait(false); // warm-up
        var seconds = new List<double>();
        var bytes = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            var (s, b) = await MeasureAsync(actors).ConfigureAwait(false);
            seconds.Add(s);
            bytes.Add(b);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {r + 1}: {s:F2} s ({actors / s / 1e6:F2}M actors/s), {b:F0} bytes per idle actor"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"spawn overall: median {Stats.Median(seconds):F2} s, median {Stats.Median(bytes):F0} bytes per idle actor"));
    }

    /// <summary>
    /// Live managed bytes once they stop changing: work still queued on the thread pool (a stopped system's last
    /// turns, timers) can keep garbage reachable for a moment after a collection.
    /// </summary>
    private static async Task<long> SettledMemoryAsync()
    {
        var previous = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < 40; i++)
        {
            await Task.Delay(50).ConfigureAwait(false);
            GC.WaitForPendingFinalizers();
            var current = GC.GetTotalMemory(forceFullCollection: true);
            if (Math.Abs(current - previous) < 64 * 1024) return current;
            previous = current;
        }
        return previous;
    }

    private static async Task<(double Seconds, double BytesPerActor)> MeasureAsync(int count)
    {
        var system = ActorSystem.Create("spawn");
        try
        {
            var counter = new CreationCounter();
            var props = Props.Create(() =>
            {
                counter.Increment();
                return new IdleActor();
            });
            var refs = new IActorRef[count];
            // the previous measurement's actors must be gone before the baseline is taken
            var before = await SettledMemoryAsync().ConfigureAwait(false);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < count; i++) refs[i] = system.ActorOf(props);
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (counter.Count < count)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"Only {counter.Count} of {count} actors were created within 2 minutes.");
                await Task.Delay(1).ConfigureAwait(false);
            }
            sw.Stop();
            var after = await SettledMemoryAsync().ConfigureAwait(false);
            // the refs array is allocated before the first measurement, so it is not counted
            var perActor = (after - before) / (double)count;
            GC.KeepAlive(refs);
            Array.Clear(refs); // the array may outlive this call (async state); the actors must not
            return (sw.Elapsed.TotalSeconds, perActor);
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }
}
