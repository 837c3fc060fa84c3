using Pipeline.Models.Native;

namespace Pipeline.Models;

/// <summary>y = x Wᵀ + b (nn.Linear); entries "weight" [out, in] and "bias" [out].</summary>
public sealed class Linear : NativeModule
{
    /// <summary>Creates the layer with PyTorch's default (Kaiming-uniform) initialisation.</summary>
    public Linear(long inFeatures, long outFeatures, bool bias = true)
        : base(Created(NativeMethods.pt_module_linear(inFeatures, outFeatures, bias ? 1 : 0, out nint p), p))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    /// <summary>Size of each input sample.</summary>
    public long InFeatures { get; }

    /// <summary>Size of each output sample.</summary>
    public long OutFeatures { get; }

    /// <summary>Applies the layer to [..., InFeatures] and returns [..., OutFeatures].</summary>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ReadOnlySpan<long> shape = input.Shape;
        if (shape.Length == 0 || shape[^1] != InFeatures)
        {
            throw new TorchShapeException(
                $"Linear({InFeatures} -> {OutFeatures}) expects input shape [*, {InFeatures}] but got [{string.Join(", ", shape.ToArray())}].");
        }

        return ForwardNative(input);
    }
}
