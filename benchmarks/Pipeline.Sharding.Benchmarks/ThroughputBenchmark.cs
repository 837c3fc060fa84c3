using System.Diagnostics;
using Pipeline.Runtime.Actors;
using Pipeline.Sharding.Api;

namespace Pipeline.Sharding.Benchmarks;

/// <summary>
/// Messages per second from one sender through a shard region to local entities (100 shards, 1,000 entities
/// counting their messages); a run ends when every entity got its last message.
/// </summary>
public static class ThroughputBenchmark
{
    private const int Entities = 1_000;

    public static async Task RunAsync(long messages, int runs)
    {
        await using var host = await BenchmarkHost.StartAsync();
        var sharding = ClusterSharding.Get(host.System);
        var settings = new ClusterShardingSettings { RebalanceInterval = null };
        var coordinator = sharding.StartCoordinator("bench", settings);
        var progress = new Progress(Entities);
        var extractor = new HashCodeMessageExtractor(100, m => m is Hit h ? h.EntityId : null);
        var region = sharding.Start("bench", _ => Props.Create(() => new CountingEntity(progress)), extractor, settings, coordinator);
        var hits = Enumerable.Range(0, Entities).Select(i => new Hit("entity-" + i, false)).ToArray();
        var lasts = hits.Select(h => h with { Last = true }).ToArray();

        async Task<double> RunOnceAsync(long total)
        {
            var perEntity = total / Entities;
            var done = progress.Reset();
            var sw = Stopwatch.StartNew();
            for (long n = 0; n < perEntity - 1; n++)
                for (var e = 0; e < Entities; e++) region.Tell(hits[e]);
            for (var e = 0; e < Entities; e++) region.Tell(lasts[e]);
            await done;
            return perEntity * Entities / sw.Elapsed.TotalSeconds;
        }

        await RunOnceAsync(Entities * 100L); // warm-up: starts all shards and entities
        var results = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            var rate = await RunOnceAsync(messages);
            results.Add(rate);
            Console.WriteLine($"run {r + 1}: {rate / 1e6:0.00} M msgs/s");
        }
        Console.WriteLine($"best {results.Max() / 1e6:0.00} M msgs/s, median {results.Order().ElementAt(results.Count / 2) / 1e6:0.00} M msgs/s ({messages:N0} messages per run, {Entities} entities, 100 shards, one region, one sender)");
    }

    public sealed record Hit(string EntityId, bool Last);

    /// <summary>Counts entities that got their last message of a run.</summary>
    private sealed class Progress(int entities)
    {
        private int _remaining;
        private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reset()
        {
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _remaining, entities);
            return _done.Task;
        }

        public void EntityDone()
        {
            if (Interlocked.Decrement(ref _remaining) == 0) _done.TrySetResult();
        }
    }

    private sealed class CountingEntity(Progress progress) : ActorBase
    {
        private long _count;

        protected override bool Receive(object message)
        {
            if (message is not Hit hit) return false;
            _count++;
            if (hit.Last) progress.EntityDone();
            return true;
        }
    }
}
