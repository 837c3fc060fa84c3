using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Models;

/// <summary>
/// A model checkpoint as bytes for the event journal / snapshot store: weights in safetensors, the optimizer
/// state, the model version and the training step, sealed with a SHA-256 so corruption is detected on load.
/// Layout: "PLCKPT01", int32 format, int64 version, int64 step, int64 weights length, int64 optimizer length,
/// weights, optimizer state, 32-byte SHA-256 of everything before it (all little-endian).
/// </summary>
public sealed class ModelCheckpoint
{
    private const int FormatVersion = 1;
    private const int FixedHeader = 8 + 4 + 8 + 8 + 8 + 8;
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("PLCKPT01");

    private ModelCheckpoint(long modelVersion, long step, byte[] weights, byte[] optimizerState)
    {
        ModelVersion = modelVersion;
        Step = step;
        Weights = weights;
        OptimizerState = optimizerState;
    }

    /// <summary>The published model version this checkpoint holds.</summary>
    public long ModelVersion { get; }

    /// <summary>The training step at which it was taken.</summary>
    public long Step { get; }

    /// <summary>The weights as a safetensors blob (PyTorch's names).</summary>
    public ReadOnlyMemory<byte> Weights { get; }

    /// <summary>The optimizer state (empty when none was captured).</summary>
    public ReadOnlyMemory<byte> OptimizerState { get; }

    /// <summary>Captures the model's state (and the optimizer's, when given).</summary>
    public static ModelCheckpoint Capture(Module model, Optimizer? optimizer, long modelVersion, long step)
    {
        ArgumentNullException.ThrowIfNull(model);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["model_version"] = modelVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["step"] = step.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return new ModelCheckpoint(modelVersion, step, SafeTensors.Save(model.StateDict(), metadata), optimizer?.SaveState() ?? []);
    }

    /// <summary>Parses bytes from <see cref="ToBytes"/>; a truncated, altered or foreign blob throws <see cref="TorchLoadException"/>.</summary>
    public static ModelCheckpoint FromBytes(ReadOnlySpan<byte> data)
    {
        if (data.Length < FixedHeader + SHA256.HashSizeInBytes || !data[..8].SequenceEqual(Magic))
        {
            throw new TorchLoadException("Corrupt checkpoint: it does not start with the PLCKPT01 header (not a Pipeline.Models checkpoint, or truncated).");
        }

        int format = BinaryPrimitives.ReadInt32LittleEndian(data[8..]);
        if (format != FormatVersion)
        {
            throw new TorchLoadException($"Checkpoint format {format} is not supported (this build reads format {FormatVersion}).");
        }

        long version = BinaryPrimitives.ReadInt64LittleEndian(data[12..]);
        long step = BinaryPrimitives.ReadInt64LittleEndian(data[20..]);
        long weightsLength = BinaryPrimitives.ReadInt64LittleEndian(data[28..]);
        long optimizerLength = BinaryPrimitives.ReadInt64LittleEndian(data[36..]);
        if (weightsLength < 0 || optimizerLength < 0 || FixedHeader + weightsLength + optimizerLength + SHA256.HashSizeInBytes != data.Length)
        {
            throw new TorchLoadException($"Corrupt checkpoint: section lengths ({weightsLength}, {optimizerLength}) do not match its {data.Length} bytes.");
        }

        int bodyLength = data.Length - SHA256.HashSizeInBytes;
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data[..bodyLength], hash);
        if (!hash.SequenceEqual(data[bodyLength..]))
        {
            throw new TorchLoadException("Corrupt checkpoint: the SHA-256 does not match its content.");
        }

        return new ModelCheckpoint(
            version,
            step,
            data.Slice(FixedHeader, (int)weightsLength).ToArray(),
            data.Slice(FixedHeader + (int)weightsLength, (int)optimizerLength).ToArray());
    }

    /// <summary>The checkpoint as one byte array.</summary>
    public byte[] ToBytes()
    {
        int bodyLength = checked(FixedHeader + Weights.Length + OptimizerState.Length);
        var result = new byte[bodyLength + SHA256.HashSizeInBytes];
        Span<byte> span = result;
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], ModelVersion);
        BinaryPrimitives.WriteInt64LittleEndian(span[20..], Step);
        BinaryPrimitives.WriteInt64LittleEndian(span[28..], Weights.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span[36..], OptimizerState.Length);
        Weights.Span.CopyTo(span[FixedHeader..]);
        OptimizerState.Span.CopyTo(span[(FixedHeader + Weights.Length)..]);
        SHA256.HashData(span[..bodyLength], span[bodyLength..]);
        return result;
    }

    /// <summary>Loads the weights into <paramref name="model"/> (same architecture) and the optimizer state into <paramref name="optimizer"/>.</summary>
    public void RestoreInto(Module model, Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        using (SafeTensorsContent content = SafeTensors.Load(Weights.Span))
        {
            model.LoadStateDict(content.Tensors);
        }

        if (optimizer is not null)
        {
            if (OptimizerState.IsEmpty)
            {
                throw new TorchLoadException("The checkpoint holds no optimizer state.");
            }

            optimizer.LoadState(OptimizerState.Span);
        }
    }
}
