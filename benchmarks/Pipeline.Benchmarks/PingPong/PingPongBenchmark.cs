using System.Diagnostics;
using System.Globalization;
using Pipeline.Benchmarks.Reporting;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Dispatch;
using Pipeline.Runtime.Patterns;

namespace Pipeline.Benchmarks.PingPong;

/// <summary>
/// Ping-pong throughput with Akka.NET's PingPong methodology (src/benchmark/PingPong): 15M round trips in
/// total (30000 x 500), split evenly over the pairs; each client starts 1000 messages in flight; the clock
/// runs from telling the clients to start until every client has all its messages back; throughput counts
/// both directions (2 messages per round trip); a fresh actor system per measurement, after a warm-up.
/// </summary>
internal static class PingPongBenchmark
{
    /// <summary>Messages a client puts in flight when it starts (Akka.NET: min(1000, repeat)).</summary>
    public const int InFlightPerPair = 1000;

    private const long DefaultRoundTrips = 30_000L * 500;

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var runs = options.Int("runs", 3);
        var pairs = options.Ints("pairs", [1, 2, 4, 8, 16]);
        var throughputs = options.Ints("throughputs", [1, 10, 30]);
        var roundTrips = options.Long("round-trips", DefaultRoundTrips);

        Console.WriteLine($"== pingpong: {roundTrips:N0} round trips ({roundTrips * 2:N0} messages) per measurement, {InFlightPerPair} in flight per pair, {runs} runs per cell");
        await MeasureAsync(1, 2, roundTrips / 10).ConfigureAwait(false); // warm-up: JIT and tiering

        var all = new List<double>();
        var allCpu = new List<double>();
        Console.WriteLine("pairs  throughput  runs (M msgs/s)                 median    max  (M msgs per CPU-second, median)");
        foreach (var throughput in throughputs)
        {
            foreach (var n in pairs)
            {
                var results = new List<double>();
                var cpuRates = new List<double>();
                for (var r = 0; r < runs; r++) results.Add(await MeasureAsync(throughput, n, roundTrips, cpuRates).ConfigureAwait(false));
                all.AddRange(results);
                allCpu.AddRange(cpuRates);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{n,5}  {throughput,10}  {string.Join(" ", results.Select(x => (x / 1e6).ToString("F1", CultureInfo.InvariantCulture))),-30}  {Stats.Median(results) / 1e6,6:F1}  {results.Max() / 1e6,5:F1}  ({Stats.Median(cpuRates) / 1e6:F1})"));
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pingpong overall: median {Stats.Median(all) / 1e6:F1}M msgs/s, max {all.Max() / 1e6:F1}M msgs/s over {all.Count} measurements; {Stats.Median(allCpu) / 1e6:F1}M msgs per CPU-second (median)"));
    }

    /// <summary>One measurement: a fresh system, <paramref name="pairs"/> pairs, returns messages per second.</summary>
    private static async Task<double> MeasureAsync(int throughput, int pairs, long roundTrips, List<double>? cpuRates = null)
    {
        var system = ActorSystem.Create("pingpong");
        try
        {
            var dispatcherId = "pingpong-" + throughput.ToString(CultureInfo.InvariantCulture);
            system.Dispatchers.Register(new ThreadPoolDispatcher(dispatcherId, throughput));
            var perPair = roundTrips / pairs;
            var clients = new IActorRef[pairs];
            var done = new Task[pairs];
            for (var i = 0; i < pairs; i++)
            {
                var destination = system.ActorOf(Props.Create(static () => new PingPongDestination()).WithDispatcher(dispatcherId), "destination-" + i);
                var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                done[i] = tcs.Task;
                clients[i] = system.ActorOf(Props.Create(() => new PingPongClient(destination, perPair, tcs)).WithDispatcher(dispatcherId), "client-" + i);
                await destination.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                await clients[i].Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            var serve = new Serve();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            foreach (var c in clients) c.Tell(serve);
            await Task.WhenAll(done).WaitAsync(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
            sw.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var messages = perPair * pairs * 2;
            cpuRates?.Add(messages / cpu.TotalSeconds);
            return messages / sw.Elapsed.TotalSeconds;
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }
}
