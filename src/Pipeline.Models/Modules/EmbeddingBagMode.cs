namespace Pipeline.Models;

/// <summary>How <see cref="EmbeddingBag"/> reduces the vectors of one bag.</summary>
public enum EmbeddingBagMode
{
    /// <summary>Sum of the vectors.</summary>
    Sum = 0,

    /// <summary>Mean of the vectors (fastText's choice).</summary>
    Mean = 1,

    /// <summary>Element-wise maximum.</summary>
    Max = 2,
}
