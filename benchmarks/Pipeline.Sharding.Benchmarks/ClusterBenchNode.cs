using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Cluster.Extension;
using Pipeline.Cluster.FailureDetection;
using Pipeline.Persistence;
using Pipeline.Persistence.Actors;
using Pipeline.Persistence.Configuration;
using Pipeline.Runtime.Actors;
using Pipeline.Sharding.Api;

namespace Pipeline.Sharding.Benchmarks;

/// <summary>
/// The processes of the cluster benchmarks: nodes (this executable with "node …") host a region of counting
/// entities and a /user/counter actor; the driver is a cluster member with a proxy. Membership and the journal
/// are SQLite files of one temp directory (all processes are on this machine).
/// </summary>
public static class ClusterBenchNode
{
    public const string TypeName = "bench";
    public const string Role = "node";

    public static HashCodeMessageExtractor Extractor { get; } = new(100, m => m is Hit h ? h.EntityId : null);

    public static ClusterShardingSettings Sharding => new()
    {
        Role = Role,
        RebalanceInterval = null,
        RetryInterval = TimeSpan.FromMilliseconds(200),
    };

    public static ClusterSettings Cluster(string directory, params string[] roles) => new()
    {
        Secret = "sharding-benchmark",
        StoreProvider = MembershipStoreProvider.Sqlite,
        StoreConnectionString = Path.Combine(directory, "membership.db"),
        Membership = new Pipeline.Cluster.Membership.MembershipSettings { Roles = roles },
        // a saturated 2-core machine delays heartbeats: never declare a node Down during a benchmark
        FailureDetector = new FailureDetectorSettings { AcceptableHeartbeatPause = TimeSpan.FromSeconds(20) },
    };

    /// <summary>
    /// Warnings to stderr; with SHARDING_BENCH_TRACE=1 also the sharding handoff steps (debug), with millisecond
    /// wall-clock timestamps so that the lines of all processes can be merged into one timeline.
    /// </summary>
    public static bool Trace { get; } = Environment.GetEnvironmentVariable("SHARDING_BENCH_TRACE") == "1";

    public static void ConfigureLogging(ILoggingBuilder b, string process)
    {
        b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff '" + process + "' ";
            o.UseUtcTimestamp = true;
        });
        b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        b.SetMinimumLevel(LogLevel.Warning);
        if (Trace) b.AddFilter("Pipeline.Sharding", LogLevel.Debug);
    }

    public static async Task<ActorSystem> StartSystemAsync(string directory, ILoggerFactory loggers, params string[] roles)
    {
        var system = ActorSystem.Create("bench", new ActorSystemSettings { LoggerFactory = loggers, Serialization = BenchSerializer.Settings });
        await ClusterExtension.StartAsync(system, Cluster(directory, roles));
        return system;
    }

    /// <summary>The node process: prints "up" once its region runs, and exits when stdin closes.</summary>
    public static async Task<int> RunNodeAsync(string directory, bool reply)
    {
        using var loggers = LoggerFactory.Create(b => ConfigureLogging(b, "node-" + Environment.ProcessId));
        await using var store = PersistenceFactory.Create(new PersistenceSettings { Provider = PersistenceProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(directory, "journal.db")}" });
        await store.StartAsync();
        var system = await StartSystemAsync(directory, loggers, Role);
        PersistenceExtension.Install(system, store);
        var counter = new HitCounter();
        system.ActorOf(Props.Create(() => new CounterActor(counter)), "counter");
        ClusterSharding.Get(system).Start(TypeName, _ => Props.Create(() => new CountingEntity(counter, reply)), Extractor, Sharding);
        Console.WriteLine("up " + ClusterExtension.Get(system).SelfAddress);
        using var stopProbe = new CancellationTokenSource();
        var probe = Trace ? ProbeStallsAsync(loggers.CreateLogger("Pipeline.Sharding.Benchmarks.Stalls"), stopProbe.Token) : Task.CompletedTask;
        while (await Console.In.ReadLineAsync() is not null)
        {
        }
        await stopProbe.CancelAsync();
        await probe;
        await system.Terminate();
        return 0;
    }

    /// <summary>Trace only: logs GC pauses and thread-pool wake-ups late by more than 20 ms (stalls of the whole process).</summary>
    private static async Task ProbeStallsAsync(ILogger log, CancellationToken ct)
    {
        var pause = GC.GetTotalPauseDuration();
        var gen2 = GC.CollectionCount(2);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        while (!ct.IsCancellationRequested)
        {
            var before = Stopwatch.GetTimestamp();
            try
            {
                await Task.Delay(10, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var late = Stopwatch.GetElapsedTime(before).TotalMilliseconds - 10;
            var nowPause = GC.GetTotalPauseDuration();
            var gcMs = (nowPause - pause).TotalMilliseconds;
            pause = nowPause;
            var nowGen2 = GC.CollectionCount(2);
            var nowCpu = Process.GetCurrentProcess().TotalProcessorTime;
            if (late > 20 || gcMs > 5)
            {
                log.LogWarning("stall probe: woke {Late:0} ms late, process CPU {Cpu:0} ms meanwhile, GC paused {Gc:0.0} ms, gen2 collections {Gen2}, pool threads {Threads}, pool queue {Queued}",
                    late, (nowCpu - cpu).TotalMilliseconds, gcMs, nowGen2 - gen2, ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount);
            }
            cpu = nowCpu;
            gen2 = nowGen2;
        }
    }

    /// <summary>Starts a node process of this executable.</summary>
    public static Process StartNodeProcess(string directory, bool reply)
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(ClusterBenchNode).Assembly.Location);
        info.ArgumentList.Add("node");
        info.ArgumentList.Add(directory);
        info.ArgumentList.Add(reply ? "reply" : "count");
        return Process.Start(info) ?? throw new InvalidOperationException("could not start a node process");
    }

    public static async Task WaitUpAsync(Process node)
    {
        while (await node.StandardOutput.ReadLineAsync() is { } line)
            if (line.StartsWith("up ", StringComparison.Ordinal)) return;
        throw new InvalidOperationException($"node process {node.Id} exited before it was up");
    }

    public static string Format(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Hits received by one node's entities.</summary>
    public sealed class HitCounter
    {
        private long _count;

        public long Count => Volatile.Read(ref _count);

        public void Add() => Interlocked.Increment(ref _count);
    }

    private sealed class CounterActor(HitCounter counter) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is not GetCount) return false;
            Reply(new CountIs(counter.Count));
            return true;
        }
    }

    private sealed class CountingEntity(HitCounter counter, bool reply) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is not Hit h) return false;
            counter.Add();
            if (reply) Sender.Tell(new Tock(h.EntityId), Self);
            return true;
        }
    }
}
