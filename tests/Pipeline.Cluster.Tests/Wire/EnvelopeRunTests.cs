using System.Text;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;
using Pipeline.Runtime.Serialization;
using WireFormat = Pipeline.Cluster.Wire.WireFormat;

namespace Pipeline.Cluster.Tests.Wire;

/// <summary>
/// Envelope runs: consecutive messages between the same two actors with the same serializer and manifest share
/// one frame and one header, each message adding only its payload and its length.
/// </summary>
public sealed class EnvelopeRunTests
{
    private static readonly TestOutboundSerializer Serializer = new();

    private static OutboundMessage Message(string target, string? sender, object payload) => new(target, sender, payload, Serializer);

    [Fact]
    public async Task Consecutive_messages_between_two_actors_share_one_frame_and_arrive_in_order()
    {
        using var buffer = new FrameBuffer(64);
        var table = new OutboundStringTable(16);
        var payloads = Enumerable.Range(0, 100).Select(i => Enumerable.Repeat((byte)i, i % 7 == 0 ? 200 : 100).ToArray()).ToList();
        foreach (var payload in payloads) Assert.Null(buffer.TryWriteSerializedEnvelope(Message("/user/echo", "/user/client", payload), table, WireFormat.DefaultMaxFrameSize));

        var bytes = buffer.Written.ToArray();
        var run = Assert.Single(EnvelopeRunLayout.ParseAll(bytes));
        Assert.Equal(payloads, run.Payloads);
        // the header once; each message adds its payload and a length of one or two bytes
        Assert.Equal(bytes.Length, WireFormat.HeaderSize + 1 + run.Header.CalculateSize() + payloads.Sum(p => p.Length + (p.Length < 128 ? 1 : 2)));
        var sink = await WireTestSupport.DecodeAsync(new MemoryStream(bytes));
        Assert.Equal(payloads, sink.Envelopes.Select(e => e.Payload));
        Assert.All(sink.Envelopes, e => Assert.Equal(("/user/echo", "/user/client", "B"), (e.Target, e.Sender, e.Manifest)));
    }

    [Fact]
    public async Task Another_target_sender_manifest_or_temporariness_starts_a_new_run_and_order_holds()
    {
        using var buffer = new FrameBuffer(64);
        var table = new OutboundStringTable(16);
        var sent = new List<OutboundMessage>
        {
            Message("/user/a", "/user/s", new byte[] { 1 }), Message("/user/a", "/user/s", new byte[] { 2 }),
            Message("/user/b", "/user/s", new byte[] { 3 }), // another target
            Message("/user/b", "/user/t", new byte[] { 4 }), Message("/user/b", "/user/t", new byte[] { 5 }), // another sender
            Message("/user/b", null, new byte[] { 6 }), // no sender
            Message("/user/b", null, "text"), Message("/user/b", null, "more"), // another manifest
            Message("/user/b", null, new byte[] { 7 }) with { TargetIsTemporary = true }, // the same path, but temporary
            Message("/user/a", "/user/s", new byte[] { 8 }), // back to the first pair
        };
        foreach (var message in sent) Assert.Null(buffer.TryWriteSerializedEnvelope(message, table, WireFormat.DefaultMaxFrameSize));

        var bytes = buffer.Written.ToArray();
        Assert.Equal([2, 1, 2, 1, 2, 1, 1], EnvelopeRunLayout.ParseAll(bytes).Select(r => r.Payloads.Count));
        var sink = await WireTestSupport.DecodeAsync(new MemoryStream(bytes));
        Assert.Equal(sent.Select(m => (m.TargetPath, m.SenderPath)), sink.Envelopes.Select(e => (e.Target, e.Sender)));
        Assert.Equal(["B", "B", "B", "B", "B", "B", "S", "S", "B", "B"], sink.Envelopes.Select(e => e.Manifest));
        Assert.Equal("more", Encoding.UTF8.GetString(sink.Envelopes[7].Payload));
        // the temporary path travelled literally, so the last run still refers to the indexed "/user/a" and "/user/s"
        Assert.Equal(6, table.Count); // /user/a, /user/s, /user/b, /user/t and the manifests "B" and "S"
    }

    [Fact]
    public async Task A_system_frame_or_a_serialized_envelope_ends_the_run_and_everything_keeps_its_order()
    {
        using var buffer = new FrameBuffer(64);
        var table = new OutboundStringTable(16);
        Assert.Null(buffer.TryWriteSerializedEnvelope(Message("/user/a", "/user/s", new byte[] { 1 }), table, WireFormat.DefaultMaxFrameSize));
        buffer.WriteSystem(new SystemFrame { Heartbeat = new Heartbeat { Sequence = 7 } }, WireFormat.DefaultMaxFrameSize);
        Assert.Null(buffer.TryWriteSerializedEnvelope(Message("/user/a", "/user/s", new byte[] { 2 }), table, WireFormat.DefaultMaxFrameSize));
        buffer.WriteEnvelope(new OutboundMessage("/user/a", "/user/s", 42, "B", new byte[] { 3 }), table, WireFormat.DefaultMaxFrameSize);
        Assert.Null(buffer.TryWriteSerializedEnvelope(Message("/user/a", "/user/s", new byte[] { 4 }), table, WireFormat.DefaultMaxFrameSize));
        Assert.Null(buffer.TryWriteSerializedEnvelope(Message("/user/a", "/user/s", new byte[] { 5 }), table, WireFormat.DefaultMaxFrameSize));

        var bytes = buffer.Written.ToArray();
        Assert.Equal([FrameKind.EnvelopeRun, FrameKind.System, FrameKind.EnvelopeRun, FrameKind.Envelope, FrameKind.EnvelopeRun], EnvelopeRunLayout.Kinds(bytes));
        var sink = await WireTestSupport.DecodeAsync(new MemoryStream(bytes));
        Assert.Equal([1, 2, 3, 4, 5], sink.Envelopes.Select(e => (int)Assert.Single(e.Payload)));
        Assert.Equal(7L, Assert.Single(sink.System).Heartbeat.Sequence);
    }

    [Fact]
    public async Task A_message_that_fails_to_serialize_inside_a_run_leaves_it_whole_and_the_next_one_joins_it()
    {
        using var buffer = new FrameBuffer(64);
        var table = new OutboundStringTable(16);
        Assert.Null(buffer.TryWriteSerializedEnvelope(Message("/user/a", "/user/s", new byte[] { 1 }), table, WireFormat.DefaultMaxFrameSize));
        var length = buffer.Length;

        Assert.IsType<SerializationException>(buffer.TryWriteSerializedEnvelope(Message("/user/a", "/user/s", "bad"), table, WireFormat.DefaultMaxFrameSize));
        Assert.Equal(length, buffer.Length);
        // a failing message to another target (it would start a run) leaves no trace either, in the table too
        Assert.IsType<SerializationException>(buffer.TryWriteSerializedEnvelope(Message("/user/new", "/user/s", "bad"), table, WireFormat.DefaultMaxFrameSize));
        Assert.Equal(length, buffer.Length);
        Assert.Equal(3, table.Count);
        Assert.Null(buffer.TryWriteSerializedEnvelope(Message("/user/a", "/user/s", new byte[] { 2 }), table, WireFormat.DefaultMaxFrameSize));

        var run = Assert.Single(EnvelopeRunLayout.ParseAll(buffer.Written.ToArray()));
        Assert.Equal([new byte[] { 1 }, new byte[] { 2 }], run.Payloads);
        var sink = await WireTestSupport.DecodeAsync(new MemoryStream(buffer.Written.ToArray()));
        Assert.Equal(2, sink.Envelopes.Count);
    }

    [Fact]
    public async Task A_run_that_would_exceed_the_maximum_frame_size_goes_on_in_a_new_frame()
    {
        using var buffer = new FrameBuffer(64);
        var table = new OutboundStringTable(16);
        var payloads = Enumerable.Range(0, 50).Select(i => Enumerable.Repeat((byte)i, 100).ToArray()).ToList();
        foreach (var payload in payloads) Assert.Null(buffer.TryWriteSerializedEnvelope(Message("/user/a", "/user/s", payload), table, maxFrameSize: 1000));

        var runs = EnvelopeRunLayout.ParseAll(buffer.Written.ToArray());
        Assert.True(runs.Count >= 6, $"{runs.Count} frames");
        Assert.All(runs, r => Assert.True(r.FrameBytes - WireFormat.LengthPrefixSize <= 1000, $"a frame of {r.FrameBytes} bytes"));
        Assert.Equal(payloads, runs.SelectMany(r => r.Payloads));
        var sink = await WireTestSupport.DecodeAsync(new MemoryStream(buffer.Written.ToArray()));
        Assert.Equal(payloads, sink.Envelopes.Select(e => e.Payload));
    }

    [Fact]
    public async Task After_a_reset_the_next_message_starts_a_new_run_that_refers_to_the_strings_defined_before()
    {
        using var buffer = new FrameBuffer(64);
        var table = new OutboundStringTable(16);
        Assert.Null(buffer.TryWriteSerializedEnvelope(Message("/user/a", "/user/s", new byte[] { 1 }), table, WireFormat.DefaultMaxFrameSize));
        var first = buffer.Written.ToArray();
        buffer.Reset();
        Assert.Null(buffer.TryWriteSerializedEnvelope(Message("/user/a", "/user/s", new byte[] { 2 }), table, WireFormat.DefaultMaxFrameSize));
        var second = buffer.Written.ToArray();

        var header = EnvelopeRunLayout.Parse(second).Header;
        Assert.Equal((1u, 2u), (header.TargetRef, header.SenderRef));
        var sink = await WireTestSupport.DecodeAsync(new MemoryStream([.. first, .. second]));
        Assert.Equal([1, 2], sink.Envelopes.Select(e => (int)Assert.Single(e.Payload)));
        Assert.All(sink.Envelopes, e => Assert.Equal(("/user/a", "/user/s"), (e.Target, e.Sender)));
    }

    [Fact]
    public async Task Payloads_whose_length_needs_one_to_four_varint_bytes_share_a_run_and_decode_intact()
    {
        // each size is at or across a boundary of the length varint (the buffer guesses the previous payload's size)
        int[] sizes = [127, 128, 16_383, 16_384, 5, 2_097_151, 2_097_152, 0, 200];
        using var buffer = new FrameBuffer();
        var table = new OutboundStringTable(16);
        var payloads = sizes.Select((size, i) => Enumerable.Range(0, size).Select(b => (byte)(b * 7 + i)).ToArray()).ToArray();
        foreach (var payload in payloads.Take(5))
            Assert.Null(buffer.TryWriteSerializedEnvelope(Message("/user/a", "/user/s", payload), table, WireFormat.DefaultMaxFrameSize));
        // the 2 MiB payloads do not fit in one 4 MiB frame with the others: they start runs of their own
        foreach (var payload in payloads.Skip(5))
            Assert.Null(buffer.TryWriteSerializedEnvelope(Message("/user/a", "/user/s", payload), table, WireFormat.DefaultMaxFrameSize));
        var sink = await WireTestSupport.DecodeAsync(new MemoryStream(buffer.Written.ToArray()));
        Assert.Equal(payloads.Length, sink.Envelopes.Count);
        for (var i = 0; i < payloads.Length; i++) Assert.Equal(payloads[i], sink.Envelopes[i].Payload);
    }

    [Fact]
    public async Task Runs_split_into_single_bytes_still_decode()
    {
        using var buffer = new FrameBuffer();
        var table = new OutboundStringTable(16);
        for (var i = 0; i < 30; i++)
            Assert.Null(buffer.TryWriteSerializedEnvelope(Message(i < 20 ? "/user/a" : "/user/b", "/user/s", new byte[i * 10]), table, WireFormat.DefaultMaxFrameSize));
        var sink = await WireTestSupport.DecodeAsync(new TrickleStream(buffer.Written.ToArray()));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => i * 10), sink.Envelopes.Select(e => e.Payload.Length));
        Assert.Equal(20, sink.Envelopes.Count(e => e.Target == "/user/a"));
    }
}
