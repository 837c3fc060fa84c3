using System.Diagnostics;
using Pipeline.Cluster.Extension;
using Pipeline.Cluster.Membership;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Streams;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Refs;

/// <summary>
/// Throughput through a stream reference across two processes on 127.0.0.1 connected by Pipeline.Cluster's TCP
/// remoting: this process asks a producer process (this same program, started as a child) for a source ref of N
/// longs, runs its Source into a summing sink, and reports elements/s (best of 5 after a warm-up).
/// </summary>
internal static class StreamRefBenchmark
{
    public sealed record NumbersRequest(long Count, int BufferCapacity, int MaxBatchSize);

    public sealed record NumbersOffer(ISourceRef<long> Numbers);

    private const string SystemName = "bench-streamref";

    public static async Task RunConsumerAsync(long count, string self)
    {
        var directory = Directory.CreateTempSubdirectory("bench-streamref-").FullName;
        var system = ActorSystem.Create(SystemName);
        await ClusterExtension.StartAsync(system, Settings(directory));
        var materializer = system.Materializer();
        using var producer = Process.Start(new ProcessStartInfo("dotnet", [self, "streamref-producer", directory]) { RedirectStandardOutput = true })!;
        try
        {
            var path = (await producer.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)))?.Split(' ', 2) is ["READY", var p] ? p : throw new InvalidOperationException("the producer process did not start");
            var remote = system.Resolve(path);
            // the defaults, a larger credit and batch, a small one, and one element per remote message (count / 20)
            foreach (var (capacity, batch, runCount) in new[] { (2048, 256, count), (8192, 1024, count), (256, 16, count), (2048, 1, count / 20) })
            {
                async Task<double> RunOnce()
                {
                    var offer = await remote.Ask<NumbersOffer>(new NumbersRequest(runCount, capacity, batch), TimeSpan.FromSeconds(30));
                    var sw = Stopwatch.StartNew();
                    var sum = await offer.Numbers.CreateSource(new StreamRefSettings { BufferCapacity = capacity, MaxBatchSize = batch })
                        .RunAggregate(0L, static (a, x) => a + x, materializer);
                    var seconds = sw.Elapsed.TotalSeconds;
                    if (sum != runCount * (runCount + 1) / 2) throw new InvalidOperationException($"wrong sum {sum}");
                    return seconds;
                }
                await RunOnce(); // warm-up (JIT, connection)
                var best = double.MaxValue;
                var all = new List<double>();
                for (var i = 0; i < 5; i++)
                {
                    var s = await RunOnce();
                    all.Add(runCount / s / 1e3);
                    best = Math.Min(best, s);
                }
                Console.WriteLine($"{$"stream ref across processes (credit {capacity}, batch {batch})",-58} {runCount / best / 1e3,8:0} K elements/s  (best of 5; all: {string.Join(", ", all.Select(x => x.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} K/s; {runCount:N0} longs per run)");
            }
        }
        finally
        {
            producer.Kill();
            await producer.WaitForExitAsync();
            await system.Terminate();
            try { Directory.Delete(directory, true); } catch (IOException) { /* SQLite may linger */ }
        }
    }

    public static async Task RunProducerAsync(string directory)
    {
        var system = ActorSystem.Create(SystemName);
        await ClusterExtension.StartAsync(system, Settings(directory));
        var materializer = system.Materializer();
        var actor = system.ActorOf(Props.Create(() => new Producer(materializer)), "producer");
        Console.WriteLine("READY " + actor.Path.ToStringWithAddress(system.Address));
        await Task.Delay(Timeout.Infinite); // killed by the consumer
    }

    private static ClusterSettings Settings(string directory) => new()
    {
        Secret = "bench",
        Host = "127.0.0.1",
        Port = 0,
        StoreProvider = MembershipStoreProvider.Sqlite,
        StoreConnectionString = Path.Combine(directory, "membership.db"),
    };

    private sealed class Producer(Materializer materializer) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is not NumbersRequest r) return false;
            var sender = Sender;
            _ = OfferAsync(Source.Range(1, r.Count).RunWith(StreamRefs.SourceRef<long>(new StreamRefSettings { BufferCapacity = r.BufferCapacity, MaxBatchSize = r.MaxBatchSize }), materializer), sender);
            return true;
        }

        private static async Task OfferAsync(Task<ISourceRef<long>> offered, IActorRef sender)
        {
            try
            {
                sender.Tell(new NumbersOffer(await offered));
            }
            catch (Exception e)
            {
                await Console.Error.WriteLineAsync("stream ref offer failed: " + e);
            }
        }
    }
}
