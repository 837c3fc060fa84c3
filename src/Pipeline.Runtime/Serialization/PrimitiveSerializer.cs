using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Runtime.Serialization;

/// <summary>
/// Built-in serializer id 4: a fast path for the commonest small messages (<c>string</c>, <c>int</c>,
/// <c>long</c>, <c>double</c>, <c>bool</c>, <see cref="Guid"/>) with no JSON and no reflection: strings are
/// UTF-8, numbers little-endian, a bool is one byte, a Guid its 16 bytes. The one-letter manifest names the type.
/// </summary>
public sealed class PrimitiveSerializer : Serializer
{
    /// <summary>The fixed identifier of this serializer.</summary>
    public const int Id = 4;

    /// <summary>The types this serializer handles (the registry binds them by default).</summary>
    public static readonly IReadOnlyList<Type> SupportedTypes =
        Array.AsReadOnly([typeof(string), typeof(int), typeof(long), typeof(double), typeof(bool), typeof(Guid)]);

    private const string StringManifest = "S";
    private const string Int32Manifest = "I";
    private const string Int64Manifest = "L";
    private const string DoubleManifest = "D";
    private const string BooleanManifest = "B";
    private const string GuidManifest = "G";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override bool IncludeManifest => true;

    /// <inheritdoc />
    public override string Manifest(object obj) => obj switch
    {
        string => StringManifest,
        int => Int32Manifest,
        long => Int64Manifest,
        double => DoubleManifest,
        bool => BooleanManifest,
        Guid => GuidManifest,
        _ => throw Unsupported(obj),
    };

    /// <inheritdoc />
    public override void ToBinary(object obj, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        switch (obj)
        {
            case string s:
                StrictUtf8.GetBytes(s.AsSpan(), output);
                break;
            case int i:
                BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(sizeof(int)), i);
                output.Advance(sizeof(int));
                break;
            case long l:
                BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(sizeof(long)), l);
                output.Advance(sizeof(long));
                break;
            case double d:
                BinaryPrimitives.WriteDoubleLittleEndian(output.GetSpan(sizeof(double)), d);
                output.Advance(sizeof(double));
                break;
            case bool b:
                output.GetSpan(1)[0] = b ? (byte)1 : (byte)0;
                output.Advance(1);
                break;
            case Guid g:
                if (!g.TryWriteBytes(output.GetSpan(16))) throw new SerializationException("The output buffer gave less than the 16 bytes it promised for a Guid.");
                output.Advance(16);
                break;
            default:
                throw Unsupported(obj);
        }
    }

    /// <inheritdoc />
    public override object FromBinary(ReadOnlySpan<byte> bytes, string manifest)
    {
        switch (manifest)
        {
            case StringManifest:
                try
                {
                    return StrictUtf8.GetString(bytes);
                }
                catch (DecoderFallbackException e)
                {
                    throw new SerializationException($"Serializer {Id} (primitives): the {bytes.Length} bytes of a string payload are not valid UTF-8.", e);
                }
            case Int32Manifest: return BinaryPrimitives.ReadInt32LittleEndian(Exactly(bytes, sizeof(int), manifest));
            case Int64Manifest: return BinaryPrimitives.ReadInt64LittleEndian(Exactly(bytes, sizeof(long), manifest));
            case DoubleManifest: return BinaryPrimitives.ReadDoubleLittleEndian(Exactly(bytes, sizeof(double), manifest));
            case BooleanManifest:
                return Exactly(bytes, 1, manifest)[0] switch
                {
                    0 => false,
                    1 => true,
                    var other => throw new SerializationException($"Serializer {Id} (primitives): a bool payload must be 0 or 1, got {other}."),
                };
            case GuidManifest: return new Guid(Exactly(bytes, 16, manifest));
            default:
                throw new SerializationException($"Serializer {Id} (primitives) does not know manifest '{manifest}'; expected one of S, I, L, D, B, G.");
        }
    }

    private static ReadOnlySpan<byte> Exactly(ReadOnlySpan<byte> bytes, int length, string manifest) =>
        bytes.Length == length
            ? bytes
            : throw new SerializationException($"Serializer {Id} (primitives): a payload with manifest '{manifest}' must be {length} bytes, got {bytes.Length}.");

    private static SerializationException Unsupported(object? obj) =>
        new($"Serializer {Id} (primitives) only handles string, int, long, double, bool and Guid, not {obj?.GetType().FullName ?? "null"}.");
}
