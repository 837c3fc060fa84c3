using Pipeline.Models.Native;
using static Pipeline.Models.Native.NativeError;

namespace Pipeline.Models;

/// <summary>
/// A CUDA stream owned by one inference or training actor so its kernels do not serialise with other owners'.
/// Call <see cref="Activate"/> before each batch (the current stream is per thread and .NET moves continuations).
/// On a CPU build of the shim every call throws <see cref="NotSupportedException"/>.
/// </summary>
public sealed class CudaStream : IDisposable
{
    private readonly StreamHandle _handle;

    private CudaStream(nint pointer) => _handle = new StreamHandle(pointer);

    /// <summary>Takes a stream from libtorch's pool on GPU <paramref name="deviceIndex"/>.</summary>
    public static CudaStream Create(int deviceIndex = 0)
    {
        Check(NativeMethods.pt_stream_create(deviceIndex, out nint stream));
        return new CudaStream(stream);
    }

    /// <summary>Makes this stream current on the calling thread.</summary>
    public void Activate() => Check(NativeMethods.pt_stream_activate(_handle));

    /// <summary>Blocks until the stream's queued work is done.</summary>
    public void Synchronize() => Check(NativeMethods.pt_stream_synchronize(_handle));

    /// <summary>Returns the stream to the pool.</summary>
    public void Dispose() => _handle.Dispose();
}
