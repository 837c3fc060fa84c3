namespace Pipeline.Models;

/// <summary>Size of a <see cref="TextClassifier"/>.</summary>
/// <param name="Buckets">Rows of the hashed n-gram table (must equal the featurizer's buckets).</param>
/// <param name="EmbeddingDim">Width of each n-gram vector.</param>
/// <param name="Hidden">Hidden layer widths of the MLP head (may be empty: a linear head).</param>
/// <param name="Classes">Number of output classes.</param>
/// <param name="Dropout">Dropout between hidden layers while training.</param>
public sealed record TextClassifierOptions(long Buckets = 1 << 18, long EmbeddingDim = 64, IReadOnlyList<long>? Hidden = null, long Classes = 2, double Dropout = 0)
{
    /// <summary>The MLP widths from the embedding to the classes.</summary>
    public IReadOnlyList<long> MlpSizes => [EmbeddingDim, .. Hidden ?? [], Classes];
}
