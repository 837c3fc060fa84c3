using Pipeline.Models.Native;

namespace Pipeline.Models;

/// <summary>Normalises the last dimension (nn.LayerNorm); entries "weight" and "bias" [dim].</summary>
public sealed class LayerNorm : NativeModule
{
    /// <summary>Creates the layer for a last dimension of <paramref name="dim"/>.</summary>
    public LayerNorm(long dim, double eps = 1e-5)
        : base(Created(NativeMethods.pt_module_layer_norm(dim, eps, out nint p), p))
    {
    }

    /// <summary>Normalises [..., dim].</summary>
    public Tensor Forward(Tensor input) => ForwardNative(input);
}
