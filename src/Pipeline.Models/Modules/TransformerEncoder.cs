using Pipeline.Models.Native;

namespace Pipeline.Models;

/// <summary>
/// A stack of post-norm self-attention layers (nn.TransformerEncoder) for short texts.
/// Input and output are [sequence, batch, dModel] (libtorch's C++ layout, not batch-first).
/// </summary>
public sealed class TransformerEncoder : NativeModule
{
    /// <summary>Creates <paramref name="layers"/> encoder layers of width <paramref name="dModel"/>.</summary>
    public TransformerEncoder(long dModel, long heads, long dimFeedForward, long layers, double dropout = 0.1)
        : base(Created(NativeMethods.pt_module_transformer_encoder(dModel, heads, dimFeedForward, layers, dropout, out nint p), p)) =>
        DModel = dModel;

    /// <summary>The model width.</summary>
    public long DModel { get; }

    /// <summary>
    /// Encodes [sequence, batch, DModel]; <paramref name="keyPaddingMask"/> (bool [batch, sequence], true = padding)
    /// keeps padded positions of shorter texts out of attention.
    /// </summary>
    public Tensor Forward(Tensor source, Tensor? keyPaddingMask = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ReadOnlySpan<long> shape = source.Shape;
        if (shape.Length != 3 || shape[2] != DModel)
        {
            throw new TorchShapeException(
                $"TransformerEncoder expects input shape [sequence, batch, {DModel}] but got [{string.Join(", ", shape.ToArray())}].");
        }

        if (keyPaddingMask is null)
        {
            return ForwardNative(source);
        }

        ReadOnlySpan<long> mask = keyPaddingMask.Shape;
        if (mask.Length != 2 || mask[0] != shape[1] || mask[1] != shape[0])
        {
            throw new TorchShapeException(
                $"TransformerEncoder expects a key padding mask of shape [{shape[1]}, {shape[0]}] but got [{string.Join(", ", mask.ToArray())}].");
        }

        return ForwardNative([source, null, keyPaddingMask]);
    }
}
