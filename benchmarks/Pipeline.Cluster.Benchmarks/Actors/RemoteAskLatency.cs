using System.Diagnostics;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;

namespace Pipeline.Cluster.Benchmarks.Actors;

/// <summary>
/// Remote Ask latency under an open-loop load: requests are due at fixed intervals (1K and 50K per second), a
/// pacing thread sends each one when it is due whatever happened to earlier ones, and each latency is measured
/// from the request's intended send time to the moment its answer completes the ask (so a stalled sender or a
/// queue shows up in the numbers instead of being hidden: no coordinated omission). At 1K/s the pacer spins
/// (yielding) to send each request on time; at 50K/s it naps ~0.1 ms between bursts of the requests due (a
/// request sent late by the nap counts that lateness in its latency), so that it does not burn one of the two cores.
/// </summary>
internal static class RemoteAskLatency
{
    private const int Seconds = 5;

    public static async Task RunAsync(IActorRef echo, byte[] payload)
    {
        foreach (var rate in new[] { 1_000, 50_000 })
        {
            await MeasureAsync(echo, payload, rate, rate); // one second of warm-up
            var serverCpu = await echo.Ask<double>(EchoActor.CpuQuery, TimeSpan.FromSeconds(30));
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var (latencies, lag, failed) = await MeasureAsync(echo, payload, rate, rate * Seconds);
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalMilliseconds + await echo.Ask<double>(EchoActor.CpuQuery, TimeSpan.FromSeconds(30)) - serverCpu;
            Console.WriteLine($"RESULT remote ask at {rate:N0} req/s ({latencies.Length:N0} answers in {Seconds} s, {failed} failed): " +
                $"p50 {Percentile(latencies, 0.50):N0} µs, p90 {Percentile(latencies, 0.90):N0} µs, p99 {Percentile(latencies, 0.99):N0} µs, p99.9 {Percentile(latencies, 0.999):N0} µs, max {latencies[^1]:N0} µs " +
                $"(sender lag behind schedule: p50 {Percentile(lag, 0.5):N0} µs, p99 {Percentile(lag, 0.99):N0} µs; CPU of both processes {cpu * 1000 / (rate * Seconds):N1} µs per ask, pacer's spinning included)");
        }
    }

    private static async Task<(double[] Latencies, double[] Lag, int Failed)> MeasureAsync(IActorRef echo, byte[] payload, int rate, int count)
    {
        var completed = new long[count];
        var lag = new long[count];
        var tasks = new Task[count];
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        var period = (double)Stopwatch.Frequency / rate;
        var pacer = new Thread(() =>
        {
            for (var i = 0; i < count; i++)
            {
                var due = start + (long)(i * period);
                while (true)
                {
                    var wait = due - Stopwatch.GetTimestamp();
                    if (wait <= 0) break;
                    if (wait > Stopwatch.Frequency / 500) Thread.Sleep(1); // more than 2 ms ahead: sleep
                    else if (rate >= 10_000 && OperatingSystem.IsLinux()) _ = Usleep(50); // ~0.1 ms naps: a few requests per wake-up, no core burnt spinning
                    else Thread.Yield();
                }
                lag[i] = Stopwatch.GetTimestamp() - due;
                var index = i;
                tasks[i] = echo.Ask(payload, TimeSpan.FromSeconds(30)).ContinueWith(
                    (_, state) => completed[(int)state!] = Stopwatch.GetTimestamp(), index, CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }) { IsBackground = true, Name = "ask-pacer" };
        pacer.Start();
        await Task.Run(pacer.Join);
        var failed = 0;
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            failed = tasks.Count(t => t.IsFaulted);
        }
        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            if (completed[i] == 0) continue;
            var due = start + (long)(i * period);
            latencies.Add((completed[i] - due) * 1e6 / Stopwatch.Frequency);
        }
        var sortedLatencies = latencies.Order().ToArray();
        var sortedLag = lag.Select(t => t * 1e6 / Stopwatch.Frequency).Order().ToArray();
        return (sortedLatencies, sortedLag, failed);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "usleep")]
    private static extern int Usleep(uint microseconds);

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
