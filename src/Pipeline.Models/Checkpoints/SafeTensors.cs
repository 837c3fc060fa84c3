using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace Pipeline.Models;

/// <summary>
/// Reads and writes the safetensors format (an 8-byte little-endian header size, a JSON header of
/// name → dtype/shape/data_offsets plus "__metadata__", then raw little-endian data), so weights move between
/// PyTorch (safetensors.torch.save_file / load_file) and .NET unchanged.
/// </summary>
public static class SafeTensors
{
    private const int MaxHeaderBytes = 100 * 1024 * 1024;

    /// <summary>Serialises named tensors (copied to the CPU) and optional string metadata.</summary>
    public static byte[] Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToArray();
        var header = new ArrayBufferWriter<byte>(256 + (entries.Length * 96));
        long offset = 0;
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            foreach (var (name, tensor) in entries)
            {
                long size = tensor.NumberOfElements * ScalarTypes.SizeOf(tensor.Dtype);
                json.WriteStartObject(name);
                json.WriteString("dtype", DtypeName(tensor.Dtype));
                json.WriteStartArray("shape");
                foreach (long d in tensor.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + size);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += size;
            }

            json.WriteEndObject();
        }

        int padded = (header.WrittenCount + 7) / 8 * 8;
        var result = new byte[checked(8 + padded + offset)];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        header.WrittenSpan.CopyTo(result.AsSpan(8));
        result.AsSpan(8 + header.WrittenCount, padded - header.WrittenCount).Fill((byte)' ');
        long position = 8 + padded;
        foreach (var (_, tensor) in entries)
        {
            int size = checked((int)(tensor.NumberOfElements * ScalarTypes.SizeOf(tensor.Dtype)));
            tensor.CopyBytesTo(result.AsSpan((int)position, size));
            position += size;
        }

        return result;
    }

    /// <summary>Parses a safetensors blob; anything malformed throws <see cref="TorchLoadException"/> saying what.</summary>
    public static SafeTensorsContent Load(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8)
        {
            throw Corrupt($"{data.Length} bytes is shorter than the 8-byte header size");
        }

        ulong headerSize = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (headerSize > MaxHeaderBytes || headerSize > (ulong)(data.Length - 8))
        {
            throw Corrupt($"header size {headerSize} does not fit in {data.Length} bytes");
        }

        ReadOnlySpan<byte> payload = data[(8 + (int)headerSize)..];
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(data.Slice(8, (int)headerSize));
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Corrupt("the header is not a JSON object");
            }

            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    foreach (JsonProperty m in property.Value.EnumerateObject())
                    {
                        metadata[m.Name] = m.Value.GetString() ?? string.Empty;
                    }

                    continue;
                }

                tensors.Add(property.Name, ReadTensor(property.Name, property.Value, payload));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or ArgumentException)
        {
            foreach (Tensor t in tensors.Values)
            {
                t.Dispose();
            }

            throw Corrupt($"the header is not valid: {e.Message}", e);
        }
        catch
        {
            foreach (Tensor t in tensors.Values)
            {
                t.Dispose();
            }

            throw;
        }

        return new SafeTensorsContent(tensors, metadata);
    }

    private static Tensor ReadTensor(string name, JsonElement entry, ReadOnlySpan<byte> payload)
    {
        ScalarType dtype = ParseDtype(entry.GetProperty("dtype").GetString());
        long[] shape = entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        long[] offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > payload.Length)
        {
            throw Corrupt($"tensor '{name}' has data_offsets [{string.Join(", ", offsets)}] outside the {payload.Length} data bytes");
        }

        long expected = shape.Aggregate(1L, (a, d) => d < 0 ? throw Corrupt($"tensor '{name}' has a negative dimension") : checked(a * d)) * ScalarTypes.SizeOf(dtype);
        if (offsets[1] - offsets[0] != expected)
        {
            throw Corrupt($"tensor '{name}' of shape [{string.Join(", ", shape)}] {dtype} needs {expected} bytes but has {offsets[1] - offsets[0]}");
        }

        return Tensor.FromBytes(payload[(int)offsets[0]..(int)offsets[1]], dtype, shape);
    }

    private static string DtypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Bool => "BOOL",
        ScalarType.Float64 => "F64",
        ScalarType.Int32 => "I32",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no safetensors dtype"),
    };

    private static ScalarType ParseDtype(string? name) => name switch
    {
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "BOOL" => ScalarType.Bool,
        "F64" => ScalarType.Float64,
        "I32" => ScalarType.Int32,
        _ => throw Corrupt($"dtype '{name}' is not supported (F32, F16, BF16, F64, I64, I32, BOOL)"),
    };

    private static TorchLoadException Corrupt(string reason, Exception? inner = null) =>
        inner is null ? new TorchLoadException($"Corrupt safetensors data: {reason}.") : new TorchLoadException($"Corrupt safetensors data: {reason}.", inner);
}
