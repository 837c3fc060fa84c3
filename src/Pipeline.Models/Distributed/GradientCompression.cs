using Pipeline.Models.Native;
using static Pipeline.Models.Native.NativeError;

namespace Pipeline.Models;

/// <summary>
/// Optional compression of what data-parallel workers send: bfloat16 halves the bytes with float32's range;
/// top-k keeps only the k largest-magnitude entries (the rest is dropped or kept locally as error feedback).
/// </summary>
public static class GradientCompression
{
    /// <summary>The buffer as bfloat16 (2 bytes per element).</summary>
    public static Tensor ToBFloat16(Tensor flat)
    {
        ArgumentNullException.ThrowIfNull(flat);
        return flat.To(ScalarType.BFloat16);
    }

    /// <summary>Back to float32 from bfloat16.</summary>
    public static Tensor FromBFloat16(Tensor compressed)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        return compressed.To(ScalarType.Float32);
    }

    /// <summary>Keeps the <paramref name="k"/> entries of largest magnitude of a 1-D buffer.</summary>
    public static SparseGradient TopK(Tensor flat, long k)
    {
        ArgumentNullException.ThrowIfNull(flat);
        Check(NativeMethods.pt_topk_compress(flat.Handle, k, out nint values, out nint indices));
        return new SparseGradient(new Tensor(values), new Tensor(indices), flat.NumberOfElements);
    }

    /// <summary>The dense buffer with zeros where entries were dropped.</summary>
    public static Tensor Decompress(SparseGradient sparse)
    {
        ArgumentNullException.ThrowIfNull(sparse);
        Check(NativeMethods.pt_topk_decompress(sparse.Values.Handle, sparse.Indices.Handle, sparse.Length, out nint dense));
        return new Tensor(dense);
    }
}
