namespace Pipeline.Models;

/// <summary>Kinds of compute device a tensor or model can live on.</summary>
public enum DeviceType
{
    /// <summary>The host CPU.</summary>
    Cpu = 0,

    /// <summary>An NVIDIA GPU (needs the CUDA build of the shim).</summary>
    Cuda = 1,
}
