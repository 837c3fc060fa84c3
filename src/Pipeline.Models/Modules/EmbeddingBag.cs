using Pipeline.Models.Native;

namespace Pipeline.Models;

/// <summary>
/// Sums, averages or maxes bags of embedding vectors without materialising them (nn.EmbeddingBag): the core of a
/// fastText-style text classifier. Entry "weight" [count, dim].
/// </summary>
public sealed class EmbeddingBag : NativeModule
{
    /// <summary>Creates a table of <paramref name="count"/> vectors of size <paramref name="dim"/>.</summary>
    public EmbeddingBag(long count, long dim, EmbeddingBagMode mode = EmbeddingBagMode.Mean)
        : base(Created(NativeMethods.pt_module_embedding_bag(count, dim, (int)mode, out nint p), p))
    {
        Count = count;
        Dim = dim;
        Mode = mode;
    }

    /// <summary>Number of ids.</summary>
    public long Count { get; }

    /// <summary>Vector size.</summary>
    public long Dim { get; }

    /// <summary>The reduction within a bag.</summary>
    public EmbeddingBagMode Mode { get; }

    /// <summary>
    /// Reduces bags given as flat int64 <paramref name="ids"/> [total] and int64 <paramref name="offsets"/> [bags]
    /// (start of each bag); returns [bags, Dim].
    /// </summary>
    public Tensor Forward(Tensor ids, Tensor offsets) => ForwardNative(ids, offsets);
}
