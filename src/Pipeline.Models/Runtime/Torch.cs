using Pipeline.Models.Native;
using static Pipeline.Models.Native.NativeError;

namespace Pipeline.Models;

/// <summary>Process-wide libtorch settings and the scopes of TorchSharp's <c>torch</c> (no_grad, inference mode, dispose scopes).</summary>
public static class Torch
{
    /// <summary>The C ABI version of the loaded shim (loading it checks the version).</summary>
    public static int AbiVersion => NativeMethods.pt_abi_version();

    /// <summary>Whether the loaded shim was built against a CUDA libtorch.</summary>
    public static bool BuiltWithCuda => NativeMethods.pt_built_with_cuda() != 0;

    /// <summary>Number of CUDA devices libtorch sees (0 on a CPU build).</summary>
    public static int CudaDeviceCount
    {
        get
        {
            Check(NativeMethods.pt_cuda_device_count(out int count));
            return count;
        }
    }

    /// <summary>Whether at least one CUDA device can be used.</summary>
    public static bool IsCudaAvailable => CudaDeviceCount > 0;

    /// <summary>Intra-op threads libtorch uses in this process (one was fastest on 2 vCPUs).</summary>
    public static int NumThreads
    {
        get
        {
            Check(NativeMethods.pt_get_num_threads(out int n));
            return n;
        }

        set => Check(NativeMethods.pt_set_num_threads(value));
    }

    /// <summary>Native tensor handles alive in this process: a leak check for batch loops and tests.</summary>
    public static long LiveTensors => NativeMethods.pt_live_tensors();

    /// <summary>Seeds libtorch's generators (weights' initialisation, dropout, Randn) for reproducible runs.</summary>
    public static void ManualSeed(ulong seed) => Check(NativeMethods.pt_manual_seed(seed));

    /// <summary>Operations in this async flow record no graph until the scope is disposed.</summary>
    public static GradModeScope NoGrad() => new(GradMode.Disabled);

    /// <summary>Operations in this async flow run in libtorch's inference mode (fastest serving path).</summary>
    public static GradModeScope InferenceMode() => new(GradMode.Inference);

    /// <summary>Re-enables grad recording inside an outer no-grad scope.</summary>
    public static GradModeScope EnableGrad() => new(GradMode.Enabled);

    /// <summary>Opens a scope that disposes every tensor created in this async flow when it closes.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>
    /// Tunes glibc malloc (M_TRIM_THRESHOLD, M_MMAP_THRESHOLD) for the whole process. Trimming inside the .NET host
    /// made training steps 2-3x slower; the host calls this only when configured to, never behind the user's back.
    /// </summary>
    public static void ConfigureMalloc(int trimThresholdBytes, int mmapThresholdBytes) =>
        Check(NativeMethods.pt_mallopt(trimThresholdBytes, mmapThresholdBytes));
}
