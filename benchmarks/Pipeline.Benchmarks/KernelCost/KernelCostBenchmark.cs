using System.Diagnostics;
using System.Globalization;
using Pipeline.Benchmarks.PingPong;
using Pipeline.Benchmarks.Reporting;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;

namespace Pipeline.Benchmarks.KernelCost;

/// <summary>
/// The kernel's CPU cost per message, single-threaded: one ping-pong pair on an <see cref="InlineDispatcher"/>
/// driven by the benchmark thread (Tell, enqueue, scheduling, turn, dequeue, invoke), in nanoseconds per message.
/// A development aid for kernel changes: it is far less sensitive to other load on the machine than the
/// wall-clock ping-pong, and says nothing about multi-core scaling.
/// </summary>
internal static class KernelCostBenchmark
{
    public static async Task RunAsync(BenchmarkOptions options)
    {
        var runs = options.Int("runs", 7);
        var roundTrips = options.Long("round-trips", 2_000_000);
        var throughputs = options.Ints("throughputs", [1, 10, 30]);
        Console.WriteLine($"== kernel-cost: one pair on the calling thread, {roundTrips:N0} round trips, {runs} runs (ns per message, lower is better)");
        foreach (var throughput in throughputs)
        {
            await MeasureAsync(throughput, roundTrips / 10).ConfigureAwait(false); // warm-up
            var ns = new List<double>();
            for (var r = 0; r < runs; r++) ns.Add(await MeasureAsync(throughput, roundTrips).ConfigureAwait(false));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"throughput {throughput,3}: min {ns.Min():F1} ns, median {Stats.Median(ns):F1} ns per message"));
        }
    }

    private static async Task<double> MeasureAsync(int throughput, long roundTrips)
    {
        var system = ActorSystem.Create("kernel-cost");
        var dispatcher = new InlineDispatcher("inline", throughput);
        try
        {
            system.Dispatchers.Register(dispatcher);
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var destination = system.ActorOf(Props.Create(static () => new PingPongDestination()).WithDispatcher(dispatcher.Id));
            var client = system.ActorOf(Props.Create(() => new PingPongClient(destination, roundTrips, done)).WithDispatcher(dispatcher.Id));
            var identify = new Identify(null);
            var a = destination.Ask<ActorIdentity>(identify, TimeSpan.FromSeconds(10));
            var b = client.Ask<ActorIdentity>(identify, TimeSpan.FromSeconds(10));
            dispatcher.RunUntilIdle();
            await Task.WhenAll(a, b).ConfigureAwait(false);
            var sw = Stopwatch.StartNew();
            client.Tell(new Serve());
            dispatcher.RunUntilIdle();
            sw.Stop();
            if (!done.Task.IsCompleted) throw new InvalidOperationException("The pair did not finish: a message was lost.");
            return sw.Elapsed.TotalNanoseconds / (roundTrips * 2);
        }
        finally
        {
            // the actors on the inline dispatcher only stop while someone runs their turns
            var terminated = system.Terminate();
            while (!terminated.IsCompleted)
            {
                dispatcher.RunUntilIdle();
                await Task.Delay(1).ConfigureAwait(false);
            }
            await terminated.ConfigureAwait(false);
        }
    }
}
