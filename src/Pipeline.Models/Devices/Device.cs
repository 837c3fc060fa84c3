namespace Pipeline.Models;

/// <summary>A compute device: the CPU or one CUDA GPU by index. One inference actor owns one device.</summary>
/// <param name="Type">CPU or CUDA.</param>
/// <param name="Index">The GPU index (0 for the CPU).</param>
public readonly record struct Device(DeviceType Type, int Index = 0)
{
    /// <summary>The host CPU.</summary>
    public static Device Cpu => new(DeviceType.Cpu);

    /// <summary>The CUDA GPU with the given index.</summary>
    public static Device Cuda(int index = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new Device(DeviceType.Cuda, index);
    }

    /// <summary>Parses "cpu", "cuda" or "cuda:N" as PyTorch writes devices.</summary>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            return Cpu;
        }

        if (text.Equals("cuda", StringComparison.OrdinalIgnoreCase))
        {
            return Cuda();
        }

        if (text.StartsWith("cuda:", StringComparison.OrdinalIgnoreCase) && int.TryParse(text.AsSpan(5), out int index) && index >= 0)
        {
            return Cuda(index);
        }

        throw new FormatException($"'{text}' is not a device: use cpu, cuda or cuda:N.");
    }

    /// <inheritdoc />
    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : $"cuda:{Index}";
}
