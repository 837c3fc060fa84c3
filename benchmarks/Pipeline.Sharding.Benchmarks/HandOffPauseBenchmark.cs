using System.Diagnostics;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.Rebalance;
using Pipeline.Sharding.Regions;

namespace Pipeline.Sharding.Benchmarks;

/// <summary>
/// The pause a shard's entities see during a handoff under load: two regions in one process, a paced sender
/// through a proxy to 1,000 entities (100 shards), and shards moved one after the other. For each move, every
/// entity of the moved shard contributes its longest gap between two consecutive messages during the move
/// (which spans the old and the new incarnation); the report is the distribution of those gaps.
/// </summary>
public static class HandOffPauseBenchmark
{
    private const int Entities = 1_000;

    public static async Task RunAsync(int moves, int rate)
    {
        await using var host = await BenchmarkHost.StartAsync();
        var system = host.System;
        var settings = new ClusterShardingSettings { RebalanceInterval = null, RetryInterval = TimeSpan.FromMilliseconds(200) };
        var coordinator = ClusterSharding.Get(system).StartCoordinator("pause", settings);
        var extractor = new HashCodeMessageExtractor(100, m => m is Tick t ? "entity-" + t.Entity : null);
        var arrivals = new ArrivalLog(Entities);
        Func<string, Props> entity = id => Props.Create(() => new GapEntity(arrivals));
        var a = system.ActorOf(ShardRegion.Props("pause", entity, extractor, settings, coordinator), "region-A");
        var b = system.ActorOf(ShardRegion.Props("pause", entity, extractor, settings, coordinator), "region-B");
        var proxy = system.ActorOf(ShardRegion.Props("pause", null, extractor, settings, coordinator), "proxy");
        var ticks = Enumerable.Range(0, Entities).Select(i => new Tick(i)).ToArray();

        using var stop = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            var sw = Stopwatch.StartNew();
            long sent = 0;
            while (!stop.IsCancellationRequested)
            {
                var due = (long)(sw.Elapsed.TotalSeconds * rate);
                for (; sent < due; sent++) proxy.Tell(ticks[sent % Entities]);
                await Task.Delay(1);
            }
        });
        await Task.Delay(2000); // every entity started, steady state
        var gaps = new List<double>();
        for (var m = 0; m < moves; m++)
        {
            var shard = (m * 7 % 100).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var alloc = await coordinator.Ask<ShardAllocations>(new GetShardAllocations(), TimeSpan.FromSeconds(5));
            var target = alloc.Shards[shard].Equals(a) ? b : a;
            var members = Enumerable.Range(0, Entities).Where(i => extractor.ShardId("entity-" + i) == shard).ToArray();
            foreach (var i in members) arrivals.ResetMaxGap(i);
            await coordinator.Ask<RebalancePlan>(new MoveShard(shard, target), TimeSpan.FromSeconds(5));
            while (true)
            {
                var now = await coordinator.Ask<ShardAllocations>(new GetShardAllocations(), TimeSpan.FromSeconds(5));
                if (now.InHandOff.Count == 0 && now.Shards[shard].Equals(target)) break;
                await Task.Delay(5);
            }
            await Task.Delay(300); // let the moved entities receive again at the new owner
            gaps.AddRange(members.Select(arrivals.MaxGapMs));
        }
        await stop.CancelAsync();
        await sender;
        gaps.Sort();
        double P(double q) => gaps[Math.Min(gaps.Count - 1, (int)Math.Ceiling(q * gaps.Count) - 1)];
        Console.WriteLine($"handoff pause over {moves} moves ({gaps.Count} entity samples) at {rate:N0} msgs/s: p50 {P(0.5):0.0} ms, p99 {P(0.99):0.0} ms, max {gaps[^1]:0.0} ms");
    }

    public sealed record Tick(int Entity);

    /// <summary>Per-entity arrival times; one writer per entity at a time (an entity never runs twice).</summary>
    private sealed class ArrivalLog(int entities)
    {
        private readonly long[] _last = new long[entities];
        private readonly long[] _maxGap = new long[entities];

        public void Arrived(int entity)
        {
            var now = Stopwatch.GetTimestamp();
            var last = Volatile.Read(ref _last[entity]);
            if (last != 0 && now - last > Volatile.Read(ref _maxGap[entity])) Volatile.Write(ref _maxGap[entity], now - last);
            Volatile.Write(ref _last[entity], now);
        }

        public void ResetMaxGap(int entity) => Volatile.Write(ref _maxGap[entity], 0);

        public double MaxGapMs(int entity) => Volatile.Read(ref _maxGap[entity]) * 1000.0 / Stopwatch.Frequency;
    }

    private sealed class GapEntity(ArrivalLog log) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is not Tick t) return false;
            log.Arrived(t.Entity);
            return true;
        }
    }
}
