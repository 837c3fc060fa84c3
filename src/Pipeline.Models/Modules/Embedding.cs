using Pipeline.Models.Native;

namespace Pipeline.Models;

/// <summary>A lookup table of vectors by id (nn.Embedding); entry "weight" [count, dim].</summary>
public sealed class Embedding : NativeModule
{
    /// <summary>Creates a table of <paramref name="count"/> vectors of size <paramref name="dim"/>.</summary>
    public Embedding(long count, long dim)
        : base(Created(NativeMethods.pt_module_embedding(count, dim, out nint p), p))
    {
        Count = count;
        Dim = dim;
    }

    /// <summary>Number of ids.</summary>
    public long Count { get; }

    /// <summary>Vector size.</summary>
    public long Dim { get; }

    /// <summary>Looks up int64 ids of any shape and returns [..., Dim].</summary>
    public Tensor Forward(Tensor ids) => ForwardNative(ids);
}
