using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Remoting;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Dispatch;

namespace Pipeline.Cluster.Benchmarks.Actors;

/// <summary>
/// The CPU cost per message of the remote actor path's two halves, single-threaded and without sockets: encoding
/// (an <see cref="OutboundMessage"/> serialized by the remoting serializer into envelope runs, as a reader's direct
/// writes do) and receiving (frames read by a <see cref="FrameReader"/>, delivered run by run by the
/// <see cref="RemoteActorRefProvider"/>, deserialized, and run as inline turns of local actors, as a connection's
/// reader does). Bursts of 512 100-byte messages in runs of 32 to 4 actors, from one remote sender. A development
/// aid for the remote path: far less sensitive to the host's noise than the two-process benchmark.
/// </summary>
internal static class ActorPathBenchmark
{
    private const int Burst = 512;
    private const int RunLength = 32;
    private const int Actors = 4;

    /// <summary>Counts what it receives.</summary>
    private sealed class Sink : ActorBase
    {
        protected override bool Receive(object message) => true;
    }

    /// <summary>A connection's reader, without its socket: runs to the provider, the inline turns after each read.</summary>
    private sealed class ReaderSink(RemoteActorRefProvider provider, UniqueAddress from, InlineTurnBatch turns) : IFrameSink
    {
        public long Runs;

        public void OnEnvelope(in InboundEnvelope envelope) => provider.OnEnvelope(from, envelope, turns);

        public void OnEnvelopeRun(ref InboundEnvelopeRun run)
        {
            Runs++;
            provider.OnEnvelopeRun(from, ref run, turns);
        }

        public void OnSystemFrame(SystemFrame frame) { }

        public bool OnReadCompleted() => turns.Run();
    }

    public static async Task RunAsync(BenchmarkOptions options)
    {
        await using var node = await RemoteNode.StartAsync(0);
        var system = node.System;
        var provider = (RemoteActorRefProvider)node.Transport.Handler;
        var targets = new string[Actors];
        for (var i = 0; i < Actors; i++)
        {
            var actor = system.ActorOf(Props.Create(static () => new Sink()), "sink-" + i.ToString(CultureInfo.InvariantCulture));
            targets[i] = actor.Path.ToStringWithAddress(system.Address) + "#" + actor.Path.Uid.ToString(CultureInfo.InvariantCulture);
        }
        var peer = new UniqueAddress(new NodeAddress(TransportBenchmark.System, "127.0.0.1", 1), 42);
        const string sender = "pipeline://bench@127.0.0.1:1/user/client-0#7";
        var serializer = new RemoteOutboundSerializer(provider, NullLogger.Instance);
        var payload = new byte[options.Payload];
        Random.Shared.NextBytes(payload);
        var messages = Math.Max(Burst, options.Messages / Burst * Burst);
        // a warm-up round, then five measured ones (or --rounds)
        var rounds = (options.Values.ContainsKey("rounds") ? options.Rounds : 5) + 1;
        Console.WriteLine($"actor path: bursts of {Burst} messages of {options.Payload} B in runs of {RunLength} to {Actors} actors from one remote sender, {messages:N0} messages per measurement");

        // encoding, as a reader's direct writes: one frame buffer, written and reset per burst
        var strings = new OutboundStringTable(WireFormat.DefaultStringTableCapacity);
        using var buffer = new FrameBuffer();
        var encode = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var stopwatch = Stopwatch.StartNew();
            for (long sent = 0; sent < messages; sent += Burst)
            {
                buffer.Reset();
                for (var i = 0; i < Burst; i++)
                {
                    var message = new OutboundMessage(targets[i / RunLength % Actors], sender, payload, serializer);
                    if (buffer.TryWriteSerializedEnvelope(message, strings, WireFormat.DefaultMaxFrameSize) is { } error) throw error;
                }
            }
            if (round > 0) encode.Add(stopwatch.Elapsed.TotalNanoseconds / messages);
        }

        // receiving: the bytes of many bursts (the first defines the strings), read in 64 KiB reads
        var definitions = new OutboundStringTable(WireFormat.DefaultStringTableCapacity);
        var stream = new MemoryStream();
        var bursts = (int)Math.Min(messages / Burst, 4000);
        for (var b = 0; b < bursts; b++)
        {
            buffer.Reset();
            for (var i = 0; i < Burst; i++)
                buffer.TryWriteSerializedEnvelope(new OutboundMessage(targets[i / RunLength % Actors], sender, payload, serializer), definitions, WireFormat.DefaultMaxFrameSize);
            stream.Write(buffer.Written.Span);
        }
        var bytes = stream.ToArray();
        var receive = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var sink = new ReaderSink(provider, peer, new InlineTurnBatch(TimeSpan.FromSeconds(1)));
            var reader = new FrameReader(new MemoryStream(bytes), WireFormat.DefaultMaxFrameSize, WireFormat.DefaultStringTableCapacity);
            var stopwatch = Stopwatch.StartNew();
            await reader.RunAsync(sink, CancellationToken.None);
            if (round > 0) receive.Add(stopwatch.Elapsed.TotalNanoseconds / ((long)bursts * Burst));
            await reader.DisposeAsync();
        }
        Console.WriteLine($"RESULT actor path: encode median {RemoteActorsBenchmark.Median(encode):F1} ns/msg (min {encode.Min():F1}); " +
            $"receive (decode, deliver, deserialize, inline turn) median {RemoteActorsBenchmark.Median(receive):F1} ns/msg (min {receive.Min():F1}); {bytes.Length / ((double)bursts * Burst):F1} B per message on the wire");
    }
}
