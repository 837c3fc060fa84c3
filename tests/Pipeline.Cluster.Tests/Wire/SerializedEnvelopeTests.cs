using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;
using Pipeline.Runtime.Serialization;
using WireFormat = Pipeline.Cluster.Wire.WireFormat;

namespace Pipeline.Cluster.Tests.Wire;

/// <summary>Envelopes whose payload is serialized on the writer, straight into the frame buffer.</summary>
public sealed class SerializedEnvelopeTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(300)]
    [InlineData(20_000)]
    [InlineData(3_000_000)]
    public async Task Payloads_serialized_into_the_frame_read_back_the_same_with_both_readers(int size)
    {
        using var buffer = new FrameBuffer(64);
        var table = new OutboundStringTable(16);
        var serializer = new TestOutboundSerializer();
        var payload = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
        for (var i = 0; i < 2; i++)
            Assert.Null(buffer.TryWriteSerializedEnvelope(new OutboundMessage("/user/target", "/user/sender", payload, serializer), table, WireFormat.DefaultMaxFrameSize));

        var bytes = buffer.Written.ToArray();
        var sink = await WireTestSupport.DecodeAsync(bytes);
        Assert.Equal(2, sink.Envelopes.Count);
        Assert.All(sink.Envelopes, e =>
        {
            Assert.Equal(("/user/target", "/user/sender", 42, "B"), (e.Target, e.Sender, e.Serializer, e.Manifest));
            Assert.Equal(payload, e.Payload);
        });

        // one envelope run holding both (two when both would exceed the maximum frame size): the documented layout,
        // its header readable by the generated protobuf class
        var runs = EnvelopeRunLayout.ParseAll(bytes);
        Assert.Equal(2 * size < WireFormat.DefaultMaxFrameSize ? 1 : 2, runs.Count);
        var header = runs[0].Header;
        Assert.Equal("/user/target", header.TargetPath);
        Assert.Equal(1u, header.TargetDefine);
        Assert.Equal(42, header.SerializerId);
        Assert.Equal("B", header.ManifestText);
        Assert.True(header.Payload.IsEmpty);
        // shortest length varints: nothing left over between the payloads
        Assert.Equal([payload, payload], runs.SelectMany(r => r.Payloads));
    }

    [Fact]
    public async Task Payloads_whose_length_needs_more_or_fewer_bytes_than_the_last_one_read_back_the_same()
    {
        using var buffer = new FrameBuffer(64);
        var table = new OutboundStringTable(16);
        var serializer = new TestOutboundSerializer();
        int[] sizes = [100, 20_000, 0, 128, 3_000_000, 5, 127, 16_384, 16_383, 2_097_152, 1];
        var payloads = sizes.Select(size => Enumerable.Range(0, size).Select(i => (byte)(i * 13 + size)).ToArray()).ToArray();
        foreach (var payload in payloads)
            Assert.Null(buffer.TryWriteSerializedEnvelope(new OutboundMessage("/user/t", null, payload, serializer), table, WireFormat.DefaultMaxFrameSize));

        var sink = await WireTestSupport.DecodeAsync(buffer.Written.ToArray());

        Assert.Equal(payloads, sink.Envelopes.Select(e => e.Payload));
        Assert.All(sink.Envelopes, e => Assert.Equal(("/user/t", 42, "B"), (e.Target, e.Serializer, e.Manifest)));
    }

    [Fact]
    public async Task A_message_that_fails_to_serialize_leaves_no_trace_and_the_next_one_defines_its_paths()
    {
        using var buffer = new FrameBuffer();
        var table = new OutboundStringTable(16);
        var serializer = new TestOutboundSerializer();

        var error = buffer.TryWriteSerializedEnvelope(new OutboundMessage("/user/new", "/user/sender", "bad", serializer), table, WireFormat.DefaultMaxFrameSize);

        Assert.IsType<SerializationException>(error);
        Assert.Equal(0, buffer.Length);
        Assert.Equal(0, table.Count);
        Assert.Null(buffer.TryWriteSerializedEnvelope(new OutboundMessage("/user/new", "/user/sender", new byte[] { 1, 2 }, serializer), table, WireFormat.DefaultMaxFrameSize));
        Assert.Null(buffer.TryWriteSerializedEnvelope(new OutboundMessage("/user/new", "/user/sender", new byte[] { 3 }, serializer), table, WireFormat.DefaultMaxFrameSize));
        var sink = await WireTestSupport.DecodeAsync(buffer.Written.ToArray());
        Assert.Equal([new byte[] { 1, 2 }, new byte[] { 3 }], sink.Envelopes.Select(e => e.Payload));
        Assert.All(sink.Envelopes, e => Assert.Equal("/user/new", e.Target));
    }

    [Fact]
    public void An_over_size_message_is_refused_with_the_limit_named_and_nothing_written()
    {
        using var buffer = new FrameBuffer();
        var table = new OutboundStringTable(16);
        var error = buffer.TryWriteSerializedEnvelope(new OutboundMessage("/user/t", null, new byte[5000], new TestOutboundSerializer()), table, maxFrameSize: 4096);
        Assert.IsType<ArgumentException>(error);
        Assert.Contains("4096", error.Message);
        Assert.Equal(0, buffer.Length);
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public async Task Temporary_paths_travel_literally_and_leave_the_string_table_to_paths_that_repeat()
    {
        using var buffer = new FrameBuffer();
        var table = new OutboundStringTable(capacity: 2);
        var serializer = new TestOutboundSerializer();
        for (var i = 0; i < 10; i++)
        {
            var ask = new OutboundMessage("/user/echo", $"/temp/${i}", new byte[] { (byte)i }, serializer) { SenderIsTemporary = true };
            var answer = new OutboundMessage($"/temp/${i}", "/user/echo", new byte[] { (byte)i }, serializer) { TargetIsTemporary = true };
            Assert.Null(buffer.TryWriteSerializedEnvelope(ask, table, WireFormat.DefaultMaxFrameSize));
            Assert.Null(buffer.TryWriteSerializedEnvelope(answer, table, WireFormat.DefaultMaxFrameSize));
            buffer.WriteEnvelope(new OutboundMessage($"/temp/${i}", null, 1, "", new byte[] { 1 }) { TargetIsTemporary = true }, table, WireFormat.DefaultMaxFrameSize);
        }

        // only "/user/echo" and the manifest were indexed; ten asks did not use up the table
        Assert.Equal(2, table.Count);
        var sink = await WireTestSupport.DecodeAsync(buffer.Written.ToArray());
        Assert.Equal(30, sink.Envelopes.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"/temp/${i}"), sink.Envelopes.Where((_, n) => n % 3 == 0).Select(e => e.Sender));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"/temp/${i}"), sink.Envelopes.Where((_, n) => n % 3 == 1).Select(e => e.Target));
    }
}
