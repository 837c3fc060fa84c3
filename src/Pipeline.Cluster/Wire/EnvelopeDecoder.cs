namespace Pipeline.Cluster.Wire;

/// <summary>
/// Decodes an <c>Envelope</c> body (protobuf wire format) straight from the receive buffer, resolving and
/// recording per-connection string indexes. Allocates only for strings seen for the first time.
/// </summary>
internal static class EnvelopeDecoder
{
    /// <summary>Decodes <paramref name="body"/>; any malformation is a <see cref="WireProtocolException"/>.</summary>
    public static InboundEnvelope Decode(ReadOnlySpan<byte> body, InboundStringTable strings) => Decode(body, strings, runHeader: false);

    /// <summary>
    /// Decodes an envelope run (<see cref="FrameKind.EnvelopeRun"/>) and hands <paramref name="sink"/> each of its
    /// messages in order; any malformation is a <see cref="WireProtocolException"/> (messages before it were delivered).
    /// </summary>
    public static void DecodeRun(ReadOnlySpan<byte> body, InboundStringTable strings, IFrameSink sink)
    {
        var pos = 0;
        var headerLength = ProtoWire.ReadVarint(body, ref pos);
        if (headerLength > (ulong)(body.Length - pos))
            throw new WireProtocolException($"An envelope run's header claims {headerLength} bytes but only {body.Length - pos} remain.");
        var header = Decode(body.Slice(pos, (int)headerLength), strings, runHeader: true);
        pos += (int)headerLength;
        if (pos == body.Length) throw new WireProtocolException("Envelope run without a message.");
        var run = new InboundEnvelopeRun(header, body[pos..]);
        sink.OnEnvelopeRun(ref run);
        // what the sink did not take (it drops everything, or stopped early) is still checked: a malformed run
        // closes the connection whoever reads it
        while (run.TryNext(out _)) { }
    }

    private static InboundEnvelope Decode(ReadOnlySpan<byte> body, InboundStringTable strings, bool runHeader)
    {
        var target = default(IndexedString);
        var sender = default(IndexedString);
        var manifest = default(IndexedString);
        var serializerId = 0;
        ReadOnlySpan<byte> payload = default;
        var pos = 0;
        while (pos < body.Length)
        {
            var tag = ProtoWire.ReadVarint(body, ref pos);
            var field = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            switch (field)
            {
                case 1: target.SetLiteral(Expect(body, ref pos, wireType, ProtoWire.WireTypeLengthDelimited)); break;
                case 2: target.Ref = ReadIndex(body, ref pos, wireType); break;
                case 3: target.Define = ReadIndex(body, ref pos, wireType); break;
                case 4: sender.SetLiteral(Expect(body, ref pos, wireType, ProtoWire.WireTypeLengthDelimited)); break;
                case 5: sender.Ref = ReadIndex(body, ref pos, wireType); break;
                case 6: sender.Define = ReadIndex(body, ref pos, wireType); break;
                case 7:
                    CheckWireType(wireType, ProtoWire.WireTypeVarint);
                    serializerId = unchecked((int)ProtoWire.ReadVarint(body, ref pos));
                    break;
                case 8: manifest.SetLiteral(Expect(body, ref pos, wireType, ProtoWire.WireTypeLengthDelimited)); break;
                case 9: manifest.Ref = ReadIndex(body, ref pos, wireType); break;
                case 10: manifest.Define = ReadIndex(body, ref pos, wireType); break;
                case 11:
                    if (runHeader) throw new WireProtocolException("An envelope run's header carries a payload field.");
                    payload = Expect(body, ref pos, wireType, ProtoWire.WireTypeLengthDelimited);
                    break;
                case 0: throw new WireProtocolException("Field number 0 in an envelope.");
                default: ProtoWire.Skip(body, ref pos, wireType); break;
            }
        }
        var targetPath = target.Resolve(strings, "target path") ?? throw new WireProtocolException("Envelope without a target path.");
        var senderPath = sender.Resolve(strings, "sender path");
        var manifestText = manifest.Resolve(strings, "manifest") ?? string.Empty;
        return new InboundEnvelope(targetPath, senderPath, serializerId, manifestText, payload, strings, target.Index, sender.Index);
    }

    private static ReadOnlySpan<byte> Expect(ReadOnlySpan<byte> body, scoped ref int pos, int wireType, int expected)
    {
        CheckWireType(wireType, expected);
        return ProtoWire.ReadLengthDelimited(body, ref pos);
    }

    private static uint ReadIndex(ReadOnlySpan<byte> body, scoped ref int pos, int wireType)
    {
        CheckWireType(wireType, ProtoWire.WireTypeVarint);
        var value = ProtoWire.ReadVarint(body, ref pos);
        if (value > uint.MaxValue) throw new WireProtocolException($"String index {value} does not fit 32 bits.");
        return (uint)value;
    }

    private static void CheckWireType(int actual, int expected)
    {
        if (actual != expected)
            throw new WireProtocolException($"Envelope field has wire type {actual}, expected {expected}.");
    }

    /// <summary>One of the three string fields while decoding: literal bytes, reference, definition.</summary>
    private ref struct IndexedString
    {
        private ReadOnlySpan<byte> _literal;
        private bool _hasLiteral;
        public uint Ref;
        public uint Define;

        /// <summary>The string's table index on this connection (0 when it travelled literally without one).</summary>
        public readonly uint Index => Ref != 0 ? Ref : Define;

        public void SetLiteral(ReadOnlySpan<byte> literal)
        {
            _literal = literal;
            _hasLiteral = true;
        }

        public readonly string? Resolve(InboundStringTable strings, string what)
        {
            if (_hasLiteral && Ref != 0)
                throw new WireProtocolException($"Envelope carries both a literal and a reference for its {what}.");
            if (Ref != 0) return strings.Resolve(Ref);
            if (!_hasLiteral)
            {
                if (Define != 0) throw new WireProtocolException($"Envelope defines an index for its {what} without a literal.");
                return null;
            }
            return Define != 0 ? strings.DefineFromUtf8(Define, _literal) : WireStrings.Decode(_literal);
        }
    }
}
