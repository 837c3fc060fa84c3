namespace Pipeline.Models;

/// <summary>A top-k compressed flat gradient: the largest-magnitude values and their positions; disposing frees both.</summary>
/// <param name="Values">The kept values (1-D).</param>
/// <param name="Indices">Their int64 positions in the flat buffer (1-D).</param>
/// <param name="Length">The element count of the dense buffer.</param>
public sealed record SparseGradient(Tensor Values, Tensor Indices, long Length) : IDisposable
{
    /// <summary>Frees the value and index tensors.</summary>
    public void Dispose()
    {
        Values.Dispose();
        Indices.Dispose();
    }
}
