namespace Pipeline.Models;

/// <summary>Size of a <see cref="TabularMlp"/>.</summary>
/// <param name="NumericFeatures">Number of numeric columns (already scaled by the featurizer).</param>
/// <param name="CategoricalFields">Number of categorical columns.</param>
/// <param name="Buckets">Rows of the hashed categorical table.</param>
/// <param name="EmbeddingDim">Width of each categorical vector (summed over the fields of a row).</param>
/// <param name="Hidden">Hidden widths of the MLP.</param>
/// <param name="Outputs">Output width (classes, or 1 for regression / binary logits).</param>
/// <param name="Dropout">Dropout between hidden layers while training.</param>
public sealed record TabularMlpOptions(int NumericFeatures, int CategoricalFields, long Buckets = 1 << 16, long EmbeddingDim = 16, IReadOnlyList<long>? Hidden = null, long Outputs = 2, double Dropout = 0);
