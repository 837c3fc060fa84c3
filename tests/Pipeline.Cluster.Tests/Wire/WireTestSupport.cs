using System.Buffers;
using System.Text;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;
using Pipeline.Runtime.Serialization;
using WireFormat = Pipeline.Cluster.Wire.WireFormat;

namespace Pipeline.Cluster.Tests.Wire;

/// <summary>Records what a <see cref="FrameReader"/> hands its sink: every envelope (copied), every system frame, and how many envelopes each completed read had delivered.</summary>
internal sealed class CollectingSink : IFrameSink
{
    public List<(string Target, string? Sender, int Serializer, string Manifest, byte[] Payload)> Envelopes { get; } = [];

    public List<SystemFrame> System { get; } = [];

    public List<int> EnvelopesAtReadCompleted { get; } = [];

    public void OnEnvelope(in InboundEnvelope envelope) =>
        Envelopes.Add((envelope.TargetPath, envelope.SenderPath, envelope.SerializerId, envelope.Manifest, envelope.Payload.ToArray()));

    public void OnSystemFrame(SystemFrame frame) => System.Add(frame);

    public bool OnReadCompleted()
    {
        EnvelopesAtReadCompleted.Add(Envelopes.Count);
        return true;
    }
}

/// <summary>
/// Serializes on the writer for the wire tests: byte arrays as they are (serializer 42, manifest "B"), strings as
/// UTF-8 (manifest "S"); refuses the string "bad" by throwing, and records what it was told could not be sent.
/// </summary>
internal sealed class TestOutboundSerializer : IOutboundSerializer
{
    public List<(OutboundMessage Message, Exception Error)> Failed { get; } = [];

    public PayloadHeader Serialize(object message, IBufferWriter<byte> output)
    {
        switch (message)
        {
            case "bad":
                throw new SerializationException("cannot serialize 'bad'");
            case string text:
                output.Write(Encoding.UTF8.GetBytes(text));
                return new PayloadHeader(42, "S");
            default:
                output.Write((byte[])message);
                return new PayloadHeader(42, "B");
        }
    }

    public Exception DescribeFailure(object message, Exception error) => error;

    public void OnSendFailed(in OutboundMessage message, Exception error) => Failed.Add((message, error));
}

/// <summary>
/// A stream that hands out at most one byte per read, so that every frame arrives in pieces over many reads (the
/// reader waits for the rest of a frame). The pipe then starts each frame in a fresh segment: frames that lie in two
/// segments take frames larger than the reader's buffer (see FrameCodecTests).
/// </summary>
internal sealed class TrickleStream(byte[] data) : MemoryStream(data)
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(1, count));
}

/// <summary>Helpers shared by the wire tests.</summary>
internal static class WireTestSupport
{
    /// <summary>Reads every frame of <paramref name="stream"/> with a fresh <see cref="FrameReader"/> into a <see cref="CollectingSink"/>.</summary>
    public static async Task<CollectingSink> DecodeAsync(Stream stream, int maxFrameSize = WireFormat.DefaultMaxFrameSize, int readBufferSize = 64 * 1024)
    {
        var sink = new CollectingSink();
        var reader = new FrameReader(stream, maxFrameSize, WireFormat.DefaultStringTableCapacity, readBufferSize);
        try
        {
            await reader.RunAsync(sink, CancellationToken.None);
        }
        finally
        {
            await reader.DisposeAsync();
        }
        return sink;
    }

    /// <summary>Same as <see cref="DecodeAsync(Stream, int, int)"/> over the bytes.</summary>
    public static Task<CollectingSink> DecodeAsync(byte[] bytes) => DecodeAsync(new MemoryStream(bytes));
}
