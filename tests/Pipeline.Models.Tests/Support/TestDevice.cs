namespace Pipeline.Models.Tests.Support;

/// <summary>
/// The device the device-aware tests put their models and tensors on: the CPU, or the GPU when
/// <c>PIPELINE_TEST_DEVICE=cuda</c> (scripts/gpu/check.sh sets it on a GPU machine, so that the same tests run on CUDA).
/// </summary>
internal static class TestDevice
{
    public const string Variable = "PIPELINE_TEST_DEVICE";

    public static Device Current
    {
        get
        {
            string? name = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrEmpty(name) || name == "cpu")
            {
                return Device.Cpu;
            }

            Device device = Device.Parse(name);
            if (device.Type == DeviceType.Cuda && !Torch.IsCudaAvailable)
            {
                throw new InvalidOperationException($"{Variable}={name} but no CUDA device is available (the loaded shim is the CPU build, or no GPU is present).");
            }

            return device;
        }
    }

    /// <summary>
    /// Relative tolerance for float32 results compared with another device's (Python's CPU run): a GPU sums in
    /// another order, so its results differ from the CPU's in the last bits.
    /// </summary>
    public static double FloatTolerance => Current.Type == DeviceType.Cpu ? 1e-6 : 1e-5;
}
