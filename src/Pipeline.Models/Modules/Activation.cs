using Pipeline.Models.Native;

namespace Pipeline.Models;

/// <summary>An activation as a module (nn.ReLU, nn.GELU, nn.Tanh, nn.Sigmoid), so it can sit in a <see cref="Sequential"/>.</summary>
public sealed class Activation : NativeModule
{
    /// <summary>Creates the activation module.</summary>
    public Activation(ActivationKind kind)
        : base(Created(NativeMethods.pt_module_activation((int)kind, out nint p), p)) => Kind = kind;

    /// <summary>Which function it applies.</summary>
    public ActivationKind Kind { get; }

    /// <summary>Applies the function element-wise.</summary>
    public Tensor Forward(Tensor input) => ForwardNative(input);
}
