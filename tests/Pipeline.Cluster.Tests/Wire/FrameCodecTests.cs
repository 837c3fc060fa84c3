using System.Buffers.Binary;
using Google.Protobuf;
using WireFormat = Pipeline.Cluster.Wire.WireFormat;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Tests.Wire;

public sealed class FrameCodecTests
{
    private static Task<CollectingSink> DecodeAsync(Stream stream, int maxFrameSize = WireFormat.DefaultMaxFrameSize) => WireTestSupport.DecodeAsync(stream, maxFrameSize);

    [Fact]
    public async Task Envelopes_and_system_frames_round_trip_with_every_field()
    {
        using var buffer = new FrameBuffer(16);
        var table = new OutboundStringTable(16);
        var payload = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        buffer.WriteEnvelope(new OutboundMessage("/user/ingest/source-1", "/user/sender", 7, "Pipeline.Record, v1", payload), table, WireFormat.DefaultMaxFrameSize);
        buffer.WriteEnvelope(new OutboundMessage("/user/é-ünïcode/✓", null, -3, "", ReadOnlyMemory<byte>.Empty), table, WireFormat.DefaultMaxFrameSize);
        buffer.WriteSystem(new SystemFrame { Heartbeat = new Heartbeat { Sequence = 42, SentAtTicks = 99 } }, WireFormat.DefaultMaxFrameSize);

        var sink = await DecodeAsync(new MemoryStream(buffer.Written.ToArray()));

        Assert.Equal(2, sink.Envelopes.Count);
        Assert.Equal(("/user/ingest/source-1", "/user/sender", 7, "Pipeline.Record, v1"), (sink.Envelopes[0].Target, sink.Envelopes[0].Sender, sink.Envelopes[0].Serializer, sink.Envelopes[0].Manifest));
        Assert.Equal(payload, sink.Envelopes[0].Payload);
        Assert.Equal(("/user/é-ünïcode/✓", (string?)null, -3, ""), (sink.Envelopes[1].Target, sink.Envelopes[1].Sender, sink.Envelopes[1].Serializer, sink.Envelopes[1].Manifest));
        Assert.Empty(sink.Envelopes[1].Payload);
        Assert.Equal(42, Assert.Single(sink.System).Heartbeat.Sequence);
    }

    [Fact]
    public async Task Repeated_paths_and_manifests_travel_as_indexes_and_resolve_the_same()
    {
        using var buffer = new FrameBuffer();
        var table = new OutboundStringTable(16);
        var message = new OutboundMessage("/user/ingest/source-0000001/worker", "/user/featurize/worker-17", 5, "Pipeline.Actors.FeaturizedRecord", new byte[100]);
        buffer.WriteEnvelope(message, table, WireFormat.DefaultMaxFrameSize);
        var first = buffer.Length;
        buffer.WriteEnvelope(message, table, WireFormat.DefaultMaxFrameSize);
        var second = buffer.Length - first;

        // the repeat carries three small varint references instead of ~90 bytes of strings
        Assert.True(second < first - 80, $"repeat frame is {second} bytes, first {first}");
        Assert.Equal(3, table.Count);

        // the generated protobuf class reads both bodies: literal + definition, then references
        var bytes = buffer.Written.ToArray();
        var body1 = Envelope.Parser.ParseFrom(bytes.AsSpan(WireFormat.HeaderSize, first - WireFormat.HeaderSize));
        var body2 = Envelope.Parser.ParseFrom(bytes.AsSpan(first + WireFormat.HeaderSize, second - WireFormat.HeaderSize));
        Assert.Equal(message.TargetPath, body1.TargetPath);
        Assert.Equal(1u, body1.TargetDefine);
        Assert.Equal(1u, body2.TargetRef);
        Assert.Equal(2u, body2.SenderRef);
        Assert.Equal(3u, body2.ManifestRef);

        var sink = await DecodeAsync(new MemoryStream(bytes));
        Assert.All(sink.Envelopes, e => Assert.Equal((message.TargetPath, message.SenderPath, 5, message.Manifest), (e.Target, e.Sender, e.Serializer, e.Manifest)));
        Assert.Equal(2, sink.Envelopes.Count);
    }

    [Fact]
    public async Task A_full_string_table_falls_back_to_literals()
    {
        using var buffer = new FrameBuffer();
        var table = new OutboundStringTable(capacity: 1);
        for (var i = 0; i < 5; i++)
            buffer.WriteEnvelope(new OutboundMessage($"/user/a{i}", null, 1, "", new byte[] { (byte)i }), table, WireFormat.DefaultMaxFrameSize);
        var sink = await DecodeAsync(new MemoryStream(buffer.Written.ToArray()));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"/user/a{i}"), sink.Envelopes.Select(e => e.Target));
    }

    [Fact]
    public async Task Envelopes_written_by_the_generated_protobuf_class_decode()
    {
        var envelope = new Envelope { TargetPath = "/user/x", SenderPath = "/user/y", SerializerId = 9, ManifestText = "M", Payload = ByteString.CopyFrom(1, 2, 3) };
        var body = envelope.ToByteArray();
        var frame = new byte[WireFormat.HeaderSize + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)body.Length + 1);
        frame[4] = (byte)FrameKind.Envelope;
        body.CopyTo(frame, WireFormat.HeaderSize);

        var sink = await DecodeAsync(new MemoryStream(frame));
        var e = Assert.Single(sink.Envelopes);
        Assert.Equal(("/user/x", "/user/y", 9, "M"), (e.Target, e.Sender, e.Serializer, e.Manifest));
        Assert.Equal(new byte[] { 1, 2, 3 }, e.Payload);
    }

    [Fact]
    public async Task Frames_split_into_single_bytes_still_decode()
    {
        using var buffer = new FrameBuffer();
        var table = new OutboundStringTable(16);
        for (var i = 0; i < 20; i++)
            buffer.WriteEnvelope(new OutboundMessage("/user/t", "/user/s", i, "m", new byte[i * 10]), table, WireFormat.DefaultMaxFrameSize);
        var sink = await DecodeAsync(new TrickleStream(buffer.Written.ToArray()));
        Assert.Equal(Enumerable.Range(0, 20), sink.Envelopes.Select(e => e.Serializer));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * 10), sink.Envelopes.Select(e => e.Payload.Length));
    }

    [Fact]
    public async Task Frames_larger_than_the_readers_buffer_segments_decode_whole()
    {
        // with 4 KiB segments (the smallest read buffer), a frame of 5 KB and more lies in two segments and is decoded
        // from one contiguous copy; the small frames between them take the single-segment path
        using var buffer = new FrameBuffer();
        var table = new OutboundStringTable(16);
        static string Reason(int i) => new((char)('a' + i), i % 2 == 0 ? 5_000 + i : 100 + i);
        static byte[] Payload(int i) => Enumerable.Repeat((byte)i, i % 2 == 1 ? 6_000 + i : 100 + i).ToArray();
        for (var i = 0; i < 6; i++)
        {
            buffer.WriteSystem(new SystemFrame { Disconnect = new Disconnect { Reason = Reason(i) } }, WireFormat.DefaultMaxFrameSize);
            buffer.WriteEnvelope(new OutboundMessage("/user/t", "/user/s", i, "m", Payload(i)), table, WireFormat.DefaultMaxFrameSize);
        }

        var sink = await WireTestSupport.DecodeAsync(new MemoryStream(buffer.Written.ToArray()), readBufferSize: 4096);

        Assert.Equal(Enumerable.Range(0, 6).Select(Reason), sink.System.Select(f => f.Disconnect.Reason));
        Assert.Equal(Enumerable.Range(0, 6).Select(Payload), sink.Envelopes.Select(e => e.Payload));
    }

    [Fact]
    public async Task A_handshake_frame_larger_than_a_buffer_segment_is_read_whole()
    {
        using var buffer = new FrameBuffer();
        var reason = new string('r', 10_000);
        buffer.WriteSystem(new SystemFrame { Disconnect = new Disconnect { Reason = reason } }, WireFormat.DefaultMaxFrameSize);
        var reader = new FrameReader(new TrickleStream(buffer.Written.ToArray()), WireFormat.DefaultMaxFrameSize, WireFormat.DefaultStringTableCapacity, readBufferSize: 4096);
        try
        {
            var frame = await reader.ReadSystemFrameAsync(CancellationToken.None);
            Assert.Equal(reason, frame?.Disconnect.Reason);
        }
        finally
        {
            await reader.DisposeAsync();
        }
    }

    public static TheoryData<string, byte[]> BadFrames => new()
    {
        { "over-size", Frame(uint.MaxValue, 1, []) },
        { "zero length", Frame(0, 1, []) },
        { "unknown kind", Frame(3, 9, [0, 0]) },
        { "truncated", Frame(50, 1, [0x0A, 0x01, (byte)'x']) },
        { "undefined index", Frame(3, 1, [0x10, 0x05]) },
        { "length beyond body", Frame(3, 1, [0x0A, 0x7F]) },
        { "bad wire type", Frame(3, 1, [0x0B, 0x01]) },
        { "no target", Frame(3, 1, [0x38, 0x01]) },
        { "garbage system frame", Frame(4, 2, [0xFF, 0xFF, 0xFF]) },
        { "invalid utf8", Frame(4, 1, [0x0A, 0x01, 0xFF]) },
        { "run header beyond body", Frame(3, 3, [0x7F, 0x00]) },
        { "run without a message", Frame(5, 3, [0x03, 0x0A, 0x01, (byte)'x']) },
        { "run header with a payload", Frame(8, 3, [0x05, 0x0A, 0x01, (byte)'x', 0x5A, 0x00, 0x00]) },
        { "run payload beyond body", Frame(7, 3, [0x03, 0x0A, 0x01, (byte)'x', 0x05, 0x01]) },
        { "run without a target", Frame(5, 3, [0x02, 0x38, 0x01, 0x00]) },
    };

    private static byte[] Frame(uint length, byte kind, byte[] body)
    {
        var frame = new byte[WireFormat.HeaderSize + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, length);
        frame[4] = kind;
        body.CopyTo(frame, WireFormat.HeaderSize);
        return frame;
    }

    [Theory]
    [MemberData(nameof(BadFrames))]
    public async Task Malformed_frames_are_protocol_violations(string what, byte[] frame)
    {
        var error = await Assert.ThrowsAsync<WireProtocolException>(() => DecodeAsync(new MemoryStream(frame), maxFrameSize: 1024));
        Assert.False(string.IsNullOrWhiteSpace(error.Message), what);
    }

    [Fact]
    public async Task A_malformed_frame_still_completes_the_read_of_the_frames_before_it_and_then_fails()
    {
        using var buffer = new FrameBuffer();
        var table = new OutboundStringTable(16);
        buffer.WriteEnvelope(new OutboundMessage("/user/a", null, 1, "", new byte[] { 1 }), table, WireFormat.DefaultMaxFrameSize);
        buffer.WriteEnvelope(new OutboundMessage("/user/a", null, 1, "", new byte[] { 2 }), table, WireFormat.DefaultMaxFrameSize);
        byte[] bytes = [.. buffer.Written.ToArray(), .. Frame(3, 1, [0x10, 0x05])]; // the third refers to an undefined index
        var sink = new CollectingSink();
        var reader = new FrameReader(new MemoryStream(bytes), WireFormat.DefaultMaxFrameSize, WireFormat.DefaultStringTableCapacity);

        await Assert.ThrowsAsync<WireProtocolException>(() => reader.RunAsync(sink, CancellationToken.None));

        // the two good messages were delivered and their read completed (a connection runs the turns they claimed there)
        Assert.Equal(2, sink.Envelopes.Count);
        Assert.Equal([2], sink.EnvelopesAtReadCompleted);
        await reader.DisposeAsync();
    }

    [Fact]
    public void Writing_a_frame_above_the_maximum_size_is_refused_with_the_limit_named()
    {
        using var buffer = new FrameBuffer();
        var error = Assert.Throws<ArgumentException>(() =>
            buffer.WriteEnvelope(new OutboundMessage("/user/t", null, 1, "", new byte[5000]), new OutboundStringTable(4), maxFrameSize: 4096));
        Assert.Contains("4096", error.Message);
        Assert.Equal(0, buffer.Length);
    }
}
