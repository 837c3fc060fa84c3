namespace Pipeline.Models;

/// <summary>
/// Builds multi-layer perceptrons as a <see cref="Sequential"/> of Linear, activation (and Dropout) layers, named
/// exactly as the same nn.Sequential in PyTorch: for sizes [64, 256, 2] without dropout, "0.weight", "0.bias",
/// "2.weight", "2.bias".
/// </summary>
public static class Mlp
{
    /// <summary>Creates the MLP; <paramref name="sizes"/> lists input, hidden and output widths (at least two).</summary>
    public static Sequential Create(IReadOnlyList<long> sizes, ActivationKind activation = ActivationKind.Relu, double dropout = 0)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2)
        {
            throw new ArgumentException("An MLP needs at least an input and an output size.", nameof(sizes));
        }

        var layers = new List<NativeModule>();
        try
        {
            for (int i = 0; i + 1 < sizes.Count; i++)
            {
                layers.Add(new Linear(sizes[i], sizes[i + 1]));
                if (i + 2 < sizes.Count)
                {
                    layers.Add(new Activation(activation));
                    if (dropout > 0)
                    {
                        layers.Add(new Dropout(dropout));
                    }
                }
            }

            return new Sequential([.. layers]);
        }
        catch
        {
            foreach (NativeModule layer in layers)
            {
                layer.Dispose();
            }

            throw;
        }
    }
}
