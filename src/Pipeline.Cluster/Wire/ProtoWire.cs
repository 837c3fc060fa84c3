namespace Pipeline.Cluster.Wire;

/// <summary>Protobuf wire-format primitives (tags and varints) for the hand-written envelope codec.</summary>
internal static class ProtoWire
{
    public const int WireTypeVarint = 0;
    public const int WireTypeFixed64 = 1;
    public const int WireTypeLengthDelimited = 2;
    public const int WireTypeFixed32 = 5;
    public const int MaxVarintSize = 10;

    public static int WriteTag(Span<byte> span, int field, int wireType) => WriteVarint(span, (uint)((field << 3) | wireType));

    public static int WriteVarint(Span<byte> span, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        return i;
    }

    /// <summary>Reads a varint at <paramref name="pos"/>, advancing it; malformed or truncated input is a protocol violation.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static ulong ReadVarint(ReadOnlySpan<byte> span, scoped ref int pos)
    {
        // most tags, indexes and small lengths are one byte
        if ((uint)pos < (uint)span.Length && span[pos] < 0x80) return span[pos++];
        return ReadVarintSlow(span, ref pos);
    }

    private static ulong ReadVarintSlow(ReadOnlySpan<byte> span, scoped ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if ((uint)pos >= (uint)span.Length)
                throw new WireProtocolException("Truncated varint in an envelope.");
            var b = span[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw new WireProtocolException("Varint longer than 10 bytes in an envelope.");
    }

    /// <summary>Reads a length-delimited field's bytes at <paramref name="pos"/>, advancing it.</summary>
    public static ReadOnlySpan<byte> ReadLengthDelimited(ReadOnlySpan<byte> span, scoped ref int pos)
    {
        var length = ReadVarint(span, ref pos);
        if (length > (ulong)(span.Length - pos))
            throw new WireProtocolException($"A length-delimited field claims {length} bytes but only {span.Length - pos} remain.");
        var slice = span.Slice(pos, (int)length);
        pos += (int)length;
        return slice;
    }

    /// <summary>Skips an unknown field (forward compatibility); unknown wire types are violations.</summary>
    public static void Skip(ReadOnlySpan<byte> span, scoped ref int pos, int wireType)
    {
        switch (wireType)
        {
            case WireTypeVarint: ReadVarint(span, ref pos); break;
            case WireTypeLengthDelimited: ReadLengthDelimited(span, ref pos); break;
            case WireTypeFixed64: Advance(span, ref pos, 8); break;
            case WireTypeFixed32: Advance(span, ref pos, 4); break;
            default: throw new WireProtocolException($"Unsupported protobuf wire type {wireType} in an envelope.");
        }
    }

    private static void Advance(ReadOnlySpan<byte> span, scoped ref int pos, int count)
    {
        if (span.Length - pos < count) throw new WireProtocolException("Truncated fixed-size field in an envelope.");
        pos += count;
    }
}
