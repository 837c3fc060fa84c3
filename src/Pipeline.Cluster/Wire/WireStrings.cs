using System.Text;

namespace Pipeline.Cluster.Wire;

/// <summary>Strict UTF-8 for strings on the wire: invalid bytes are a protocol violation, not replacement characters.</summary>
internal static class WireStrings
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes a UTF-8 string field.</summary>
    public static string Decode(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return Strict.GetString(utf8);
        }
        catch (DecoderFallbackException ex)
        {
            throw new WireProtocolException("A string field is not valid UTF-8.", ex);
        }
    }

    /// <summary>Byte count of a string encoded as UTF-8.</summary>
    public static int ByteCount(string value) => Strict.GetByteCount(value);

    /// <summary>Encodes into <paramref name="destination"/>, returning the bytes written.</summary>
    public static int Encode(string value, Span<byte> destination) => Strict.GetBytes(value, destination);
}
