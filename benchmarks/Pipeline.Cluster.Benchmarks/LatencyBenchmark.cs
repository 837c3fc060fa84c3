using System.Buffers.Binary;
using System.Diagnostics;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Transport;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Benchmarks;

/// <summary>
/// Round-trip latency through two transports at a fixed request rate: A sends a timestamped message, B's
/// handler sends it straight back, A records the round trip (what a remote Ask costs below the actor layer).
/// </summary>
internal static class LatencyBenchmark
{
    private sealed class Echo : ITransportHandler
    {
        public RemotePeer? Back { get; set; }

        public void OnEnvelope(UniqueAddress from, in InboundEnvelope envelope) =>
            Back!.Send(new OutboundMessage("/user/bench/asker", null, 4, "Bench.Reply", envelope.Payload.ToArray()));

        public void OnSystemFrame(UniqueAddress from, SystemFrame frame) { }

        public void OnAssociated(UniqueAddress remote) { }

        public void OnDisassociated(UniqueAddress remote, string reason) { }
    }

    private sealed class Recorder(long capacity) : ITransportHandler
    {
        private readonly long[] _rtts = new long[capacity];
        private long _count;

        public long Count => Volatile.Read(ref _count);

        public void Reset() => Volatile.Write(ref _count, 0);

        public void OnEnvelope(UniqueAddress from, in InboundEnvelope envelope)
        {
            var sent = BinaryPrimitives.ReadInt64LittleEndian(envelope.Payload);
            var index = _count;
            if (index < _rtts.Length) _rtts[index] = Stopwatch.GetTimestamp() - sent;
            Volatile.Write(ref _count, index + 1);
        }

        public double[] SortedMicroseconds()
        {
            var n = (int)Math.Min(Count, _rtts.Length);
            var result = _rtts.Take(n).Select(t => t * 1e6 / Stopwatch.Frequency).ToArray();
            Array.Sort(result);
            return result;
        }

        public void OnSystemFrame(UniqueAddress from, SystemFrame frame) { }

        public void OnAssociated(UniqueAddress remote) { }

        public void OnDisassociated(UniqueAddress remote, string reason) { }
    }

    public static async Task RunAsync(BenchmarkOptions options)
    {
        foreach (var rate in new[] { 1_000, 50_000 })
        {
            const int seconds = 3;
            var total = rate * seconds;
            var recorder = new Recorder(total);
            var echo = new Echo();
            await using var a = new ClusterTransport(TransportBenchmark.Settings(0), recorder);
            await using var b = new ClusterTransport(TransportBenchmark.Settings(0), echo);
            await a.StartAsync(CancellationToken.None);
            await b.StartAsync(CancellationToken.None);
            await a.ConnectAsync(b.LocalAddress.Address, CancellationToken.None);
            echo.Back = b.Peer(a.LocalAddress.Address);
            var peer = a.Peer(b.LocalAddress.Address);
            var payload = new byte[options.Payload];

            // one warm-up second, then the measured run
            await PaceAsync(peer, payload, rate, rate);
            await WaitForAsync(() => recorder.Count >= rate);
            recorder.Reset();
            await PaceAsync(peer, payload, rate, total);
            await WaitForAsync(() => recorder.Count >= total);
            var rtts = recorder.SortedMicroseconds();
            Console.WriteLine($"RESULT round trip at {rate:N0} req/s ({rtts.Length:N0} samples): p50 {Percentile(rtts, 0.50):N0} µs, p99 {Percentile(rtts, 0.99):N0} µs, p99.9 {Percentile(rtts, 0.999):N0} µs, max {rtts[^1]:N0} µs");
        }
    }

    private static async Task PaceAsync(RemotePeer peer, byte[] payload, int rate, long count)
    {
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (sent < count)
        {
            var due = Math.Min(count, (long)(clock.Elapsed.TotalSeconds * rate) + 1);
            for (; sent < due; sent++)
            {
                var message = (byte[])payload.Clone();
                BinaryPrimitives.WriteInt64LittleEndian(message, Stopwatch.GetTimestamp());
                peer.Send(new OutboundMessage("/user/bench/echo", "/user/bench/asker", 4, "Bench.Ask", message));
            }
            await Task.Delay(1);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("Replies did not arrive within 60 s.");
            await Task.Delay(10);
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
