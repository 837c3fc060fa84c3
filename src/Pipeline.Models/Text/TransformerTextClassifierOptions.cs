namespace Pipeline.Models;

/// <summary>Size of a <see cref="TransformerTextClassifier"/>.</summary>
/// <param name="Buckets">Rows of the hashed token table.</param>
/// <param name="MaxLength">Longest row (positions with a learned embedding).</param>
/// <param name="DModel">Model width.</param>
/// <param name="Heads">Attention heads (must divide DModel).</param>
/// <param name="DimFeedForward">Feed-forward width inside each layer.</param>
/// <param name="Layers">Encoder layers.</param>
/// <param name="Classes">Output classes.</param>
/// <param name="Dropout">Dropout inside the encoder while training.</param>
public sealed record TransformerTextClassifierOptions(long Buckets = 1 << 16, int MaxLength = 128, long DModel = 64, long Heads = 4, long DimFeedForward = 128, long Layers = 2, long Classes = 2, double Dropout = 0.1);
