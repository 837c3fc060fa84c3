using System.Buffers.Binary;
using Google.Protobuf;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;
using WireFormat = Pipeline.Cluster.Wire.WireFormat;

namespace Pipeline.Cluster.Tests.Wire;

/// <summary>
/// Reads written frames by the layout documented in wire.proto, independently of the transport's decoder:
/// the length prefix, the kind byte, and for an envelope run its header (parsed by the generated protobuf
/// class) and its length-prefixed payloads.
/// </summary>
internal sealed record EnvelopeRunLayout(Envelope Header, List<byte[]> Payloads, int FrameBytes)
{
    /// <summary>The kind of every frame in <paramref name="bytes"/>, in order.</summary>
    public static List<FrameKind> Kinds(ReadOnlySpan<byte> bytes)
    {
        var kinds = new List<FrameKind>();
        var pos = 0;
        while (pos < bytes.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[pos..]);
            kinds.Add((FrameKind)bytes[pos + WireFormat.LengthPrefixSize]);
            pos += WireFormat.LengthPrefixSize + length;
        }
        Assert.Equal(bytes.Length, pos);
        return kinds;
    }

    /// <summary>Every frame in <paramref name="bytes"/>, which must all be envelope runs.</summary>
    public static List<EnvelopeRunLayout> ParseAll(byte[] bytes)
    {
        var runs = new List<EnvelopeRunLayout>();
        for (var pos = 0; pos < bytes.Length;)
        {
            var run = Parse(bytes.AsSpan(pos).ToArray());
            runs.Add(run);
            pos += run.FrameBytes;
        }
        return runs;
    }

    /// <summary>The envelope run at the start of <paramref name="bytes"/>.</summary>
    public static EnvelopeRunLayout Parse(byte[] bytes)
    {
        var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        Assert.Equal(FrameKind.EnvelopeRun, (FrameKind)bytes[WireFormat.LengthPrefixSize]);
        var body = new CodedInputStream(bytes, WireFormat.HeaderSize, length - 1);
        var header = Envelope.Parser.ParseFrom(body.ReadBytes());
        var payloads = new List<byte[]>();
        while (!body.IsAtEnd) payloads.Add(body.ReadBytes().ToByteArray());
        return new EnvelopeRunLayout(header, payloads, WireFormat.LengthPrefixSize + length);
    }
}
