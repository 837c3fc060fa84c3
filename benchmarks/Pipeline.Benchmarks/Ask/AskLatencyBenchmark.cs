using System.Diagnostics;
using System.Globalization;
using Pipeline.Benchmarks.Reporting;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;

namespace Pipeline.Benchmarks.Ask;

/// <summary>
/// Ask round-trip latency: sequential asks (one outstanding at a time) to an echo actor on the default
/// dispatcher, after a warm-up; each sample is Stopwatch time from calling Ask to the awaited answer.
/// </summary>
internal static class AskLatencyBenchmark
{
    public static async Task RunAsync(BenchmarkOptions options)
    {
        var samples = options.Int("samples", 100_000);
        var warmup = options.Int("warmup", 20_000);
        var runs = options.Int("runs", 3);
        Console.WriteLine($"== ask: {samples:N0} sequential asks after {warmup:N0} warm-up asks, {runs} runs");
        var p50s = new List<double>();
        var p99s = new List<double>();
        var system = ActorSystem.Create("ask");
        try
        {
            var echo = system.ActorOf(Props.Create(static () => new EchoActor()), "echo");
            var message = new object();
            var timeout = TimeSpan.FromSeconds(10);
            for (var i = 0; i < warmup; i++) await echo.Ask(message, timeout).ConfigureAwait(false);
            var latencies = new double[samples];
            for (var r = 0; r < runs; r++)
            {
                var total = Stopwatch.StartNew();
                for (var i = 0; i < samples; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    await echo.Ask(message, timeout).ConfigureAwait(false);
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                }
                total.Stop();
                Array.Sort(latencies);
                var p50 = Stats.Percentile(latencies, 50);
                var p99 = Stats.Percentile(latencies, 99);
                p50s.Add(p50);
                p99s.Add(p99);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"run {r + 1}: p50 {p50:F1} us, p90 {Stats.Percentile(latencies, 90):F1} us, p99 {p99:F1} us, p99.9 {Stats.Percentile(latencies, 99.9):F1} us, max {latencies[^1]:F0} us, {samples / total.Elapsed.TotalSeconds:F0} asks/s"));
            }
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ask overall: median p50 {Stats.Median(p50s):F1} us, median p99 {Stats.Median(p99s):F1} us"));
    }
}
