using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pipeline.Models.Native;

/// <summary>Turns a failed status into the typed .NET exception carrying the shim's per-thread message.</summary>
internal static unsafe class NativeError
{
    /// <summary>Throws when <paramref name="status"/> is not OK; inlined so the success path costs one compare.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Check(int status)
    {
        if (status != 0)
        {
            Throw(status);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(int status)
    {
        // the message is thread-local in the shim and read on the same thread, right after the failing call
        string message = Marshal.PtrToStringUTF8((nint)NativeMethods.pt_last_error()) ?? "unknown libtorch error";
        throw (Status)status switch
        {
            Status.Shape => new TorchShapeException(message),
            Status.Argument => new ArgumentException(message),
            Status.Io => new TorchLoadException(message),
            Status.NotSupported => new NotSupportedException(message),
            _ => new TorchException(message),
        };
    }
}
