namespace Pipeline.Models;

/// <summary>A plain MLP as a model whose entries carry no prefix ("0.weight"), as a bare nn.Sequential in PyTorch.</summary>
public sealed class MlpModel : Module
{
    /// <summary>Wraps <paramref name="layers"/> (owned from now on).</summary>
    public MlpModel(Sequential layers) => Layers = RegisterModuleWithoutPrefix(layers);

    /// <summary>The layers.</summary>
    public Sequential Layers { get; }

    /// <summary>Applies the MLP.</summary>
    public Tensor Forward(Tensor input) => Layers.Forward(input);
}
