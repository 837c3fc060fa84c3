using System.Diagnostics;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Benchmarks;

/// <summary>Encode and decode cost per message without sockets or threads (where the transport's time goes).</summary>
internal static class CodecBenchmark
{
    private sealed class NullSink : IFrameSink
    {
        public long Count;

        public void OnEnvelope(in InboundEnvelope envelope) => Count += envelope.Payload.Length > 0 ? 1 : 0;

        public void OnSystemFrame(SystemFrame frame) { }
    }

    public static async Task RunAsync(BenchmarkOptions options)
    {
        const int perBatch = 500;
        var message = TransportBenchmark.Message(new byte[options.Payload]);
        using var buffer = new FrameBuffer();
        var strings = new OutboundStringTable(16);
        var batches = options.Messages / perBatch;
        var stopwatch = Stopwatch.StartNew();
        for (long b = 0; b < batches; b++)
        {
            buffer.Reset();
            for (var i = 0; i < perBatch; i++) buffer.WriteEnvelope(message, strings, WireFormat.DefaultMaxFrameSize);
        }
        var encodeNs = stopwatch.Elapsed.TotalNanoseconds / (batches * perBatch);

        // decode one batch's bytes repeatedly through the pipe reader (three rounds: the last one is reported)
        var bytes = buffer.Written.ToArray();
        buffer.Reset();
        buffer.WriteEnvelope(message, new OutboundStringTable(16), WireFormat.DefaultMaxFrameSize); // definitions first
        var input = new MemoryStream();
        input.Write(buffer.Written.Span);
        for (long b = 0; b < Math.Min(batches, 2000); b++) input.Write(bytes);
        var all = input.ToArray();
        var decodeNs = 0.0;
        var decoded = 0L;
        for (var round = 0; round < 3; round++)
        {
            var sink = new NullSink();
            var reader = new FrameReader(new MemoryStream(all), WireFormat.DefaultMaxFrameSize, WireFormat.DefaultStringTableCapacity);
            stopwatch.Restart();
            await reader.RunAsync(sink, CancellationToken.None);
            decodeNs = stopwatch.Elapsed.TotalNanoseconds / sink.Count;
            decoded = sink.Count;
            await reader.DisposeAsync();
        }
        var sinkCount = decoded;
        Console.WriteLine($"RESULT codec: encode {encodeNs:N1} ns/msg, decode+dispatch {decodeNs:N1} ns/msg ({sinkCount:N0} decoded per round)");
    }
}
