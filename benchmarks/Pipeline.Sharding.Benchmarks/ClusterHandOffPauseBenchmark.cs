using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.Rebalance;

namespace Pipeline.Sharding.Benchmarks;

/// <summary>
/// The pause a shard's entities see during a handoff between processes, under load: two node processes, a driver
/// process sending paced messages through its proxy to 1,000 entities (100 shards), each entity answering every
/// message; shards are moved one after the other between the nodes. For each move, every entity of the moved shard
/// contributes its longest gap between two consecutive answers arriving at the driver during the move.
/// </summary>
public static class ClusterHandOffPauseBenchmark
{
    private const int Entities = 1_000;

    public static async Task RunAsync(int moves, int rate)
    {
        var dir = Directory.CreateTempSubdirectory("sharding-cluster-pause-").FullName;
        var nodes = new List<Process>();
        try
        {
            for (var i = 0; i < 2; i++) nodes.Add(ClusterBenchNode.StartNodeProcess(dir, reply: true));
            foreach (var n in nodes) await ClusterBenchNode.WaitUpAsync(n);
            using var loggers = LoggerFactory.Create(b => ClusterBenchNode.ConfigureLogging(b, "driver"));
            var system = await ClusterBenchNode.StartSystemAsync(dir, loggers);
            var proxy = ClusterSharding.Get(system).StartProxy(ClusterBenchNode.TypeName, ClusterBenchNode.Extractor, ClusterBenchNode.Sharding);
            IReadOnlyList<IActorRef> regions = [];
            while (regions.Count < 2)
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
            var arrivals = new ArrivalLog(Entities);
            var recorder = system.ActorOf(Props.Create(() => new Recorder(arrivals)), "recorder");
            var hits = Enumerable.Range(0, Entities).Select(i => new Hit("e" + i)).ToArray();
            using var stop = new CancellationTokenSource();
            var sender = Task.Run(async () =>
            {
                var sw = Stopwatch.StartNew();
                long sent = 0;
                while (!stop.IsCancellationRequested)
                {
                    var due = (long)(sw.Elapsed.TotalSeconds * rate);
                    for (; sent < due; sent++) proxy.Tell(hits[sent % Entities], recorder);
                    await Task.Delay(1);
                }
            });
            await Task.Delay(3000); // every entity started, steady state
            var gaps = new List<double>();
            for (var m = 0; m < moves; m++)
            {
                var shard = (m * 7 % 100).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var alloc = await proxy.Ask<ShardAllocations>(new GetShardAllocations(), TimeSpan.FromSeconds(10));
                var target = alloc.Shards[shard].Equals(regions[0]) ? regions[1] : regions[0];
                var members = Enumerable.Range(0, Entities).Where(i => ClusterBenchNode.Extractor.ShardId("e" + i) == shard).ToArray();
                foreach (var i in members) arrivals.ResetMaxGap(i);
                var wallStart = DateTime.UtcNow;
                var moveStart = Stopwatch.GetTimestamp();
                var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                await proxy.Ask<RebalancePlan>(new MoveShard(shard, target), TimeSpan.FromSeconds(10));
                var planned = Stopwatch.GetElapsedTime(moveStart).TotalMilliseconds;
                while (true)
                {
                    var now = await proxy.Ask<ShardAllocations>(new GetShardAllocations(), TimeSpan.FromSeconds(10));
                    if (now.InHandOff.Count == 0 && now.Shards[shard].Equals(target)) break;
                    await Task.Delay(5);
                }
                var allocated = Stopwatch.GetElapsedTime(moveStart).TotalMilliseconds;
                await Task.Delay(300); // let the moved entities answer again from the new owner
                gaps.AddRange(members.Select(arrivals.MaxGapMs));
                if (ClusterBenchNode.Trace)
                {
                    // Per move: when the driver saw the plan and the stored allocation, and the longest gap's start and end
                    // (relative to MoveShard sent) of the entity with the longest gap; node lines carry wall-clock times.
                    var worst = members.MaxBy(arrivals.MaxGapMs);
                    var (gapStart, gapEnd) = arrivals.MaxGapSpan(worst, moveStart);
                    Console.WriteLine($"move {m} shard {shard} sent {wallStart:HH:mm:ss.fff}: plan +{planned:0.0} ms, allocation seen +{allocated:0.0} ms, worst gap {arrivals.MaxGapMs(worst):0.0} ms (e{worst}: +{gapStart:0.0} .. +{gapEnd:0.0} ms), driver GCs {GC.CollectionCount(0) - gcBefore.Item1}/{GC.CollectionCount(1) - gcBefore.Item2}/{GC.CollectionCount(2) - gcBefore.Item3}");
                }
            }
            await stop.CancelAsync();
            await sender;
            gaps.Sort();
            double P(double q) => gaps[Math.Min(gaps.Count - 1, (int)Math.Ceiling(q * gaps.Count) - 1)];
            Console.WriteLine($"handoff pause between processes over {moves} moves ({gaps.Count} entity samples) at {rate:N0} msgs/s: p50 {P(0.5):0.0} ms, p99 {P(0.99):0.0} ms, max {gaps[^1]:0.0} ms");
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

    /// <summary>Per-entity arrival times of answers; written by the recorder actor only.</summary>
    private sealed class ArrivalLog(int entities)
    {
        private readonly long[] _last = new long[entities];
        private readonly long[] _maxGap = new long[entities];
        private readonly long[] _maxGapEnd = new long[entities];

        public void Arrived(int entity)
        {
            var now = Stopwatch.GetTimestamp();
            var last = Volatile.Read(ref _last[entity]);
            if (last != 0 && now - last > Volatile.Read(ref _maxGap[entity]))
            {
                Volatile.Write(ref _maxGap[entity], now - last);
                Volatile.Write(ref _maxGapEnd[entity], now);
            }
            Volatile.Write(ref _last[entity], now);
        }

        public void ResetMaxGap(int entity) => Volatile.Write(ref _maxGap[entity], 0);

        /// <summary>The longest gap's start and end in ms after <paramref name="origin"/> (a Stopwatch timestamp).</summary>
        public (double Start, double End) MaxGapSpan(int entity, long origin)
        {
            var end = Volatile.Read(ref _maxGapEnd[entity]);
            var start = end - Volatile.Read(ref _maxGap[entity]);
            return ((start - origin) * 1000.0 / Stopwatch.Frequency, (end - origin) * 1000.0 / Stopwatch.Frequency);
        }

        public double MaxGapMs(int entity) => Volatile.Read(ref _maxGap[entity]) * 1000.0 / Stopwatch.Frequency;
    }

    private sealed class Recorder(ArrivalLog log) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is not Tock t) return false;
            log.Arrived(int.Parse(t.EntityId.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture));
            return true;
        }
    }
}
