using Pipeline.Models.Native;

namespace Pipeline.Models;

/// <summary>Zeroes elements with probability p while training (nn.Dropout); the identity in eval mode.</summary>
public sealed class Dropout : NativeModule
{
    /// <summary>Creates the layer with drop probability <paramref name="p"/> in [0, 1).</summary>
    public Dropout(double p = 0.5)
        : base(Created(NativeMethods.pt_module_dropout(p, out nint h), h))
    {
    }

    /// <summary>Applies dropout (training) or passes the input through (eval).</summary>
    public Tensor Forward(Tensor input) => ForwardNative(input);
}
