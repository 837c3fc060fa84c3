using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Queries;

namespace Pipeline.Sharding.Benchmarks;

/// <summary>
/// Messages per second to 1,000 entities (100 shards) spread over three node processes on this machine, sent by
/// a fourth process (the driver, a cluster member with a proxy) one Tell per message, pipelined: the driver keeps
/// up to <c>window</c> messages in flight (sent minus counted by the nodes, polled every 10 ms). The clock runs
/// from the first send until the nodes counted every message of the run.
/// </summary>
public static class ClusterThroughputBenchmark
{
    private const int Entities = 1_000;
    private const long Window = 120_000; // below the transport's 65,536-message queue per peer (a third each)

    public static async Task RunAsync(long messages, int runs)
    {
        var dir = Directory.CreateTempSubdirectory("sharding-cluster-bench-").FullName;
        var nodes = new List<Process>();
        try
        {
            for (var i = 0; i < 3; i++) nodes.Add(ClusterBenchNode.StartNodeProcess(dir, reply: false));
            foreach (var n in nodes) await ClusterBenchNode.WaitUpAsync(n);
            using var loggers = LoggerFactory.Create(b => b.AddConsole().SetMinimumLevel(LogLevel.Warning));
            var system = await ClusterBenchNode.StartSystemAsync(dir, loggers);
            var proxy = ClusterSharding.Get(system).StartProxy(ClusterBenchNode.TypeName, ClusterBenchNode.Extractor, ClusterBenchNode.Sharding);
            IReadOnlyList<IActorRef> regions = [];
            while (regions.Count < 3)
            {
                await Task.Delay(100);
                try
                {
                    regions = (await proxy.Ask<CurrentRegions>(new GetCurrentRegions(), TimeSpan.FromSeconds(5))).Regions;
                }
                catch (AskTimeoutException)
                {
                }
            }
            var counters = regions.Select(r => system.Resolve(r.Path.Address + "/user/counter")).ToList();
            async Task<long> CountedAsync() => (await Task.WhenAll(counters.Select(c => c.Ask<CountIs>(new GetCount(), TimeSpan.FromSeconds(30))))).Sum(c => c.Count);
            var hits = Enumerable.Range(0, Entities).Select(i => new Hit("e" + i)).ToArray();

            async Task<double> RunOnceAsync(long total)
            {
                var start = await CountedAsync();
                long counted = 0;
                var sw = Stopwatch.StartNew();
                var sender = Task.Factory.StartNew(() =>
                {
                    long sent = 0;
                    while (sent < total)
                    {
                        if (sent - Volatile.Read(ref counted) >= Window)
                        {
                            Thread.Sleep(1);
                            continue;
                        }
                        var batch = Math.Min(1000, total - sent);
                        for (var k = 0; k < batch; k++) proxy.Tell(hits[(sent + k) % Entities]);
                        sent += batch;
                    }
                }, TaskCreationOptions.LongRunning);
                var lastChange = Stopwatch.StartNew();
                while (true)
                {
                    var now = await CountedAsync() - start;
                    if (now != Volatile.Read(ref counted)) lastChange.Restart();
                    Volatile.Write(ref counted, now);
                    if (now >= total) break;
                    if (lastChange.Elapsed > TimeSpan.FromSeconds(15))
                        throw new InvalidOperationException($"the nodes counted {now:N0} of {total:N0} messages and nothing more for 15 s: messages were dropped (a full peer queue?)");
                    await Task.Delay(10);
                }
                var elapsed = sw.Elapsed;
                await sender;
                return total / elapsed.TotalSeconds;
            }

            await RunOnceAsync(Entities * 100L); // warm-up: starts every shard and entity, JIT
            var results = new List<double>();
            for (var r = 0; r < runs; r++)
            {
                var rate = await RunOnceAsync(messages);
                results.Add(rate);
                Console.WriteLine($"run {r + 1}: {ClusterBenchNode.Format(rate)} msgs/s");
            }
            Console.WriteLine($"best {ClusterBenchNode.Format(results.Max())} msgs/s, median {ClusterBenchNode.Format(results.Order().ElementAt(results.Count / 2))} msgs/s " +
                              $"({messages:N0} messages per run, {Entities} entities in 100 shards over 3 node processes, one sender process, window {Window:N0})");
            await system.Terminate();
        }
        finally
        {
            foreach (var n in nodes)
            {
                n.StandardInput.Close();
                if (!n.WaitForExit(10_000)) n.Kill();
                n.Dispose();
            }
            Directory.Delete(dir, recursive: true);
        }
    }
}
