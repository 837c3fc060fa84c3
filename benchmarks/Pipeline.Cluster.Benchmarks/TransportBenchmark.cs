using System.Diagnostics;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Transport;
using Pipeline.Cluster.Wire;

namespace Pipeline.Cluster.Benchmarks;

/// <summary>One-way streaming of small messages through the cluster transport.</summary>
internal static class TransportBenchmark
{
    public const string System = "bench";
    public const string Secret = "benchmark-secret";

    private static int IoKib => int.TryParse(Environment.GetEnvironmentVariable("PIPELINE_BENCH_IO_KIB"), out var kib) && kib >= 4 ? kib : 64;

    public static TransportSettings Settings(int port) => new()
    {
        SystemName = System,
        Secret = Secret,
        Port = port,
        OutboundQueueCapacity = 65_536,
        // PIPELINE_BENCH_IO_KIB: read buffer and flush threshold in KiB, to compare I/O sizes with one build
        FlushThresholdBytes = IoKib * 1024,
        ReadBufferBytes = IoKib * 1024,
        // PIPELINE_BENCH_DIRECT_IO=0: .NET's NetworkStream instead of the descriptor calls, to compare with one build
        DirectSocketIo = Environment.GetEnvironmentVariable("PIPELINE_BENCH_DIRECT_IO") != "0",
        OverflowPolicy = OverflowPolicy.DropNewest,
    };

    public static OutboundMessage Message(byte[] payload) => new("/user/bench/receiver", "/user/bench/sender", 4, "Bench.Message", payload);

    /// <summary>
    /// Sends <paramref name="count"/> messages, retrying any the full queue refused after a 1 ms pause (not a
    /// busy spin, which would steal the CPU the writer and reader need): flow control without loss.
    /// </summary>
    public static async Task SendAsync(ClusterTransport transport, NodeAddress to, long count, byte[] payload)
    {
        var message = Message(payload);
        var peer = transport.Peer(to);
        for (long i = 0; i < count; i++)
        {
            while (peer.Send(message) == EnqueueResult.DroppedNewest) await Task.Delay(1);
        }
    }

    /// <summary>Both transports in this process: returns messages per second of the best round.</summary>
    public static async Task<double> RunInProcessAsync(BenchmarkOptions options)
    {
        var receiver = new CountingHandler();
        await using var b = new ClusterTransport(Settings(0), receiver);
        await b.StartAsync(CancellationToken.None);
        await using var a = new ClusterTransport(Settings(0), new CountingHandler());
        await a.StartAsync(CancellationToken.None);
        await a.ConnectAsync(b.LocalAddress.Address, CancellationToken.None);
        var payload = new byte[options.Payload];
        Random.Shared.NextBytes(payload);

        var sent = 0L;
        var best = 0.0;
        var warmup = Math.Min(options.Messages / 5, 500_000);
        await SendAsync(a, b.LocalAddress.Address, warmup, payload);
        sent += warmup;
        await receiver.Expect(sent);
        for (var round = 0; round < options.Rounds; round++)
        {
            var gc = GC.CollectionCount(0);
            var stopwatch = Stopwatch.StartNew();
            await SendAsync(a, b.LocalAddress.Address, options.Messages, payload);
            sent += options.Messages;
            await receiver.Expect(sent);
            stopwatch.Stop();
            var rate = options.Messages / stopwatch.Elapsed.TotalSeconds;
            best = Math.Max(best, rate);
            Console.WriteLine($"  transport round {round + 1}: {options.Messages:N0} msgs in {stopwatch.Elapsed.TotalMilliseconds:N0} ms = {rate:N0} msgs/s ({rate * options.Payload / 1e6:N0} MB/s payload), gen0 GCs {GC.CollectionCount(0) - gc}");
        }
        return best;
    }

    /// <summary>Bytes per frame on the wire for the benchmark message once strings are indexed (for the raw comparison).</summary>
    public static int FrameSize(int payload)
    {
        using var buffer = new FrameBuffer();
        var strings = new OutboundStringTable(16);
        var message = Message(new byte[payload]);
        buffer.WriteEnvelope(message, strings, WireFormat.DefaultMaxFrameSize);
        var first = buffer.Length;
        buffer.WriteEnvelope(message, strings, WireFormat.DefaultMaxFrameSize);
        return buffer.Length - first;
    }
}
