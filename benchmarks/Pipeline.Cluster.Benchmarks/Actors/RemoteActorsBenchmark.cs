using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Pipeline.Cluster.Wire;
using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.Benchmarks.Actors;

/// <summary>
/// Actor-to-actor remoting between two processes on loopback. The server hosts echo actors (and a raw TCP echo
/// on port + 1); the client runs, in one process and one run: (1) remote ping-pong, <c>--pairs</c> local client
/// actors each keeping <c>--window</c> 100-byte payloads in flight to its own remote echo actor, counting both
/// directions as Akka.NET's RemotePingPong does; (2) after each actors round, the raw socket echo moving the bytes
/// the client's transport wrote in that round each way (its rate is given in messages' worth of bytes), twice: on async sockets (as the transport) and on dedicated threads
/// with blocking calls; the round's ratio is taken against the faster of the two; (3) remote Ask latency at a
/// paced 1K and 50K requests/s.
/// </summary>
internal static class RemoteActorsBenchmark
{
    public static async Task ServeAsync(BenchmarkOptions options)
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Parse(options.Host), options.Port + 1));
        listener.Listen(16);
        _ = RawEcho.ServeAsync(listener);
        var blockingListener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        blockingListener.Bind(new IPEndPoint(IPAddress.Parse(options.Host), options.Port + 2));
        blockingListener.Listen(16);
        RawEcho.ServeBlocking(blockingListener);
        await using var node = await RemoteNode.StartAsync(options.Port);
        for (var i = 0; i < MaxPairs; i++) node.System.ActorOf(Props.Create(static () => new EchoActor()), "echo-" + i.ToString(CultureInfo.InvariantCulture));
        node.System.ActorOf(Props.Create(static () => new EchoActor()), "echo-ask");
        Console.WriteLine($"server: actors at {node.Transport.LocalAddress}, raw echo on port {options.Port + 1}; stop with Ctrl+C");
        await Task.Delay(Timeout.Infinite);
    }

    private const int MaxPairs = 64;

    public static async Task DriveAsync(BenchmarkOptions options)
    {
        if (options.Pairs is < 1 or > MaxPairs) throw new ArgumentException($"--pairs must be 1..{MaxPairs}.");
        if (!int.TryParse(options.Values.GetValueOrDefault("warmup", "2"), CultureInfo.InvariantCulture, out var warmups) || warmups is < 0 or > 100)
            throw new ArgumentException("--warmup must be a whole number of warm-up cycles, 0..100.");
        await using var node = await RemoteNode.StartAsync(0);
        var system = node.System;
        var server = $"pipeline://{TransportBenchmark.System}@{options.Host}:{options.Port}/user/";
        var echoes = Enumerable.Range(0, options.Pairs).Select(i => system.Resolve(server + "echo-" + i.ToString(CultureInfo.InvariantCulture))).ToArray();
        await WaitForServerAsync(echoes[0]);
        var payload = new byte[options.Payload];
        Random.Shared.NextBytes(payload);
        var roundTrips = options.Messages / options.Pairs * options.Pairs;

        Console.WriteLine($"remote ping-pong: {options.Pairs} pairs, {options.Window} in flight per pair, {roundTrips:N0} round trips ({2 * roundTrips:N0} messages of {options.Payload} B) per round; " +
            $"TCP congestion control (both the transport and the raw echoes use the system's): {CongestionControl()}");
        using var raw = await RawEcho.ConnectAsync(options.Host, options.Port + 1);
        using var blocking = RawEcho.ConnectBlocking(options.Host, options.Port + 2);
        // warm-up: whole cycles of what a measured round does (the actors, then both echoes), --warmup of them (2 by
        // default). With the actors alone warmed up, tiered JIT compilation promoted the echoes' code (run for the
        // first time after the first actors round) during the next actors rounds: 80–100 ms of one core's CPU went to
        // background compilation in each of the first three 300 ms rounds, and rounds read 10–30% slower until it ended.
        // each round: the actors, then both raw echoes moving the same bytes, back to back, so that every ratio
        // compares measurements taken within the same second on this noisy machine
        var actorRates = new List<double>();
        var echoRates = new List<double>();
        var ratios = new List<double>();
        for (var round = 1 - warmups; round <= options.Rounds; round++)
        {
            var (frames, writes, written) = node.Transport.WriteCounters();
            var actors = await PingPongRoundAsync(system, echoes, roundTrips, options.Window, payload, round, () => (node.Transport.WriteCounters().Frames, node.Transport.DirectFrames()));
            var (framesAfter, writesAfter, writtenAfter) = node.Transport.WriteCounters();
            // the raw echo moves exactly the bytes the client's transport wrote in this round, each way
            var bytes = writtenAfter - written;
            Console.WriteLine($"    client wrote {framesAfter - frames:N0} messages, {bytes:N0} bytes ({bytes / (double)roundTrips:N1} per message) in {writesAfter - writes:N0} socket writes ({(framesAfter - frames) / (double)Math.Max(1, writesAfter - writes):N1} messages per write)");
            var (pooled, pooledCpu) = await TimeEchoAsync(() => RawEcho.RoundAsync(raw, bytes), roundTrips, echoes[0]);
            var (threads, threadsCpu) = await TimeEchoAsync(() => RawEcho.RoundBlockingAsync(blocking, bytes), roundTrips, echoes[0]);
            var echo = Math.Max(pooled, threads);
            Console.WriteLine($"  raw echo {RoundName(round)}: the same {bytes / 1e6:N0} MB each way: async sockets {pooled:N0} messages' bytes/s ({pooledCpu:N0} ns CPU per message's bytes), blocking threads {threads:N0}/s ({threadsCpu:N0} ns); actors = {100 * actors / echo:N1}% of the faster");
            if (round < 1) continue;
            actorRates.Add(actors);
            echoRates.Add(echo);
            ratios.Add(actors / echo);
        }
        Console.WriteLine($"RESULT remote actors {Median(actorRates):N0} msgs/s (median of {options.Rounds}; best {actorRates.Max():N0}); raw socket echo {Median(echoRates):N0} msgs/s moving the same bytes (median of the faster echo per round); actors = {100 * Median(ratios):N1}% of raw echo (median of the per-round ratios)");

        if (options.Ask) await RemoteAskLatency.RunAsync(system.Resolve(server + "echo-ask"), payload);
    }

    /// <summary>Frames per second of one echo round, and the CPU of both processes per frame.</summary>
    private static async Task<(double Rate, double CpuNs)> TimeEchoAsync(Func<Task> round, long roundTrips, IActorRef serverProbe)
    {
        await SettleJitAsync(serverProbe);
        var serverCpu = await ServerCpuAsync(serverProbe);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        await round();
        stopwatch.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        serverCpu = await ServerCpuAsync(serverProbe) - serverCpu;
        var frames = 2.0 * roundTrips;
        return (frames / stopwatch.Elapsed.TotalSeconds, (cpu.TotalMilliseconds + serverCpu) * 1e6 / frames);
    }

    private static async Task<double> PingPongRoundAsync(ActorSystem system, IActorRef[] echoes, long roundTrips, int window, byte[] payload, int round, Func<(long Frames, long Direct)>? framesWritten = null)
    {
        var perPair = roundTrips / echoes.Length;
        var done = new Task[echoes.Length];
        var clients = new IActorRef[echoes.Length];
        for (var i = 0; i < echoes.Length; i++)
        {
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done[i] = signal.Task;
            var echo = echoes[i];
            clients[i] = system.ActorOf(Props.Create(() => new PingClient(echo, perPair, window, payload, signal)), $"client-{round}-{i}");
        }
        var settled = await SettleJitAsync(echoes[0]);
        var serverCpu = await ServerCpuAsync(echoes[0]);
        var gc0 = GC.CollectionCount(0);
        var gcPause = GC.GetTotalPauseDuration();
        var allocated = GC.GetTotalAllocatedBytes();
        var workItems = ThreadPool.CompletedWorkItemCount;
        // (the per-thread figures first: reading them takes a millisecond or two, outside the process's CPU window)
        var (poolBefore, longRunningBefore, jitBefore) = (ThreadCpu.Snapshot(PoolThreads), ThreadCpu.Snapshot(LongRunningThreads), ThreadCpu.Snapshot(JitThread));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        foreach (var client in clients) client.Tell(PingClient.Start.Instance);
        var all = Task.WhenAll(done);
        // PIPELINE_BENCH_SAMPLE_MS: the client's sending rate per slice of the round (a development aid: how steady a round runs)
        var slices = new List<double>();
        var direct = new List<double>();
        var gcs = new List<int>();
        if (framesWritten is not null && int.TryParse(Environment.GetEnvironmentVariable("PIPELINE_BENCH_SAMPLE_MS"), out var sliceMs) && sliceMs > 0)
        {
            var (last, lastTime, lastGc) = (framesWritten(), stopwatch.Elapsed, GC.CollectionCount(0));
            while (!all.IsCompleted)
            {
                await Task.WhenAny(all, Task.Delay(sliceMs));
                var (now, nowTime) = (framesWritten(), stopwatch.Elapsed);
                slices.Add(2 * (now.Frames - last.Frames) / (nowTime - lastTime).TotalSeconds / 1e6);
                direct.Add(now.Frames == last.Frames ? 0 : 100.0 * (now.Direct - last.Direct) / (now.Frames - last.Frames));
                gcs.Add(GC.CollectionCount(0) - lastGc);
                (last, lastTime, lastGc) = (now, nowTime, GC.CollectionCount(0));
            }
        }
        await all.WaitAsync(TimeSpan.FromMinutes(5));
        stopwatch.Stop();
        if (slices.Count > 0) Console.WriteLine($"    M msgs/s per {Environment.GetEnvironmentVariable("PIPELINE_BENCH_SAMPLE_MS")} ms: {string.Join(' ', slices.Select(r => r.ToString("F1", CultureInfo.InvariantCulture)))}; % written directly by the reader: {string.Join(' ', direct.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}; the client's gen0 GCs: {string.Join(' ', gcs)}");
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var (poolCpu, longRunningCpu, jitCpu) = (ThreadCpu.MillisecondsSince(poolBefore, PoolThreads), ThreadCpu.MillisecondsSince(longRunningBefore, LongRunningThreads), ThreadCpu.MillisecondsSince(jitBefore, JitThread));
        workItems = ThreadPool.CompletedWorkItemCount - workItems;
        var messages = 2.0 * perPair * echoes.Length;
        serverCpu = await ServerCpuAsync(echoes[0]) - serverCpu;
        var rate = messages / stopwatch.Elapsed.TotalSeconds;
        foreach (var client in clients) client.Tell(PoisonPill.Instance);
        Console.WriteLine($"  actors {RoundName(round)}: {messages:N0} msgs in {stopwatch.Elapsed.TotalMilliseconds:N0} ms = {rate:N0} msgs/s; CPU client {cpu.TotalMilliseconds:N0} ms + server {serverCpu:N0} ms = {(cpu.TotalMilliseconds + serverCpu) * 1e6 / messages:N0} ns per message, " +
            $"{(GC.GetTotalAllocatedBytes() - allocated) / messages:N0} B allocated per message, gen0 GCs {GC.CollectionCount(0) - gc0} (pauses {(GC.GetTotalPauseDuration() - gcPause).TotalMilliseconds:N0} ms), " +
            $"client thread-pool work items {workItems:N0}, client CPU of connection threads {longRunningCpu:N0} ms, of thread-pool workers {poolCpu:N0} ms and of background JIT compilation {jitCpu:N0} ms (JIT quiet after {settled.TotalMilliseconds:N0} ms of waiting before the round)");
        return rate;
    }

    // the runtime's thread names (Linux keeps 15 characters): thread-pool workers, long-running tasks (the connections), tiered compilation
    private const string PoolThreads = ".NET TP Worker";
    private const string LongRunningThreads = ".NET Long Runni";
    private const string JitThread = ".NET Tiered Com";

    private static string RoundName(int round) => round < 1 ? "warm-up" : "round " + round.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Waits until neither process has JIT-compiled a method for <see cref="JitQuietPeriod"/> (at most 5 s), so that a timed
    /// round runs steady-state code: tiered compilation promotes methods in the background once they were called 30 times
    /// and 100 ms have passed without new ones, and the benchmark's own code between rounds (the echoes, the per-thread
    /// CPU readings, these queries) otherwise reached that point during the next round, taking 80–110 ms of one core's CPU
    /// in each of the first 300 ms rounds. Returns how long it waited.
    /// </summary>
    private static async Task<TimeSpan> SettleJitAsync(IActorRef serverProbe)
    {
        var waited = Stopwatch.StartNew();
        var last = (-1L, -1.0);
        while (waited.Elapsed < TimeSpan.FromSeconds(5))
        {
            var now = (System.Runtime.JitInfo.GetCompiledMethodCount(), await Pipeline.Runtime.Patterns.AskExtensions.Ask<double>(serverProbe, EchoActor.JitQuery, TimeSpan.FromSeconds(30)));
            if (now == last) break;
            last = now;
            await Task.Delay(JitQuietPeriod);
        }
        return waited.Elapsed;
    }

    private static readonly TimeSpan JitQuietPeriod = TimeSpan.FromMilliseconds(250);

    private static async Task<double> ServerCpuAsync(IActorRef echo) =>
        await Pipeline.Runtime.Patterns.AskExtensions.Ask<double>(echo, EchoActor.CpuQuery, TimeSpan.FromSeconds(30));

    private static async Task WaitForServerAsync(IActorRef echo)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await Pipeline.Runtime.Patterns.AskExtensions.Ask(echo, new byte[1], TimeSpan.FromSeconds(2));
                return;
            }
            catch (Exception e) when (e is TimeoutException && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                // the server may still be starting
            }
        }
    }

    /// <summary>The kernel's default TCP congestion control (BBR paces loopback TCP: the raw echo runs about twice as fast with reno).</summary>
    private static string CongestionControl()
    {
        const string path = "/proc/sys/net/ipv4/tcp_congestion_control";
        return File.Exists(path) ? File.ReadAllText(path).Trim() : "unknown";
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
