namespace Pipeline.Models;

/// <summary>How a loss reduces per-sample values.</summary>
public enum Reduction
{
    /// <summary>Average over samples (PyTorch's default).</summary>
    Mean = 0,

    /// <summary>Sum over samples.</summary>
    Sum = 1,

    /// <summary>One value per sample.</summary>
    None = 2,
}
