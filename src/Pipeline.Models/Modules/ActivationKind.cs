namespace Pipeline.Models;

/// <summary>Element-wise non-linearities available as modules.</summary>
public enum ActivationKind
{
    /// <summary>max(x, 0).</summary>
    Relu = 0,

    /// <summary>Gaussian error linear unit.</summary>
    Gelu = 1,

    /// <summary>Hyperbolic tangent.</summary>
    Tanh = 2,

    /// <summary>Logistic function.</summary>
    Sigmoid = 3,
}
