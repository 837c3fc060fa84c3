using Pipeline.Models.Native;

namespace Pipeline.Models;

/// <summary>
/// A TorchScript model saved from Python (torch.jit.save) for serving or fine-tuning; loaded in eval mode.
/// Its parameters work with every optimizer; forward must return one tensor.
/// </summary>
public sealed unsafe class ScriptModule : NativeModule
{
    private ScriptModule(nint pointer)
        : base(pointer)
    {
        Eval();
    }

    /// <summary>Loads a TorchScript file; a missing or unreadable file throws <see cref="TorchLoadException"/> naming it.</summary>
    public static ScriptModule Load(string path, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new TorchLoadException($"TorchScript file '{path}' does not exist.");
        }

        Device target = device ?? Device.Cpu;
        NativeError.Check(NativeMethods.pt_module_load_script_file(path, (int)target.Type, target.Index, out nint p));
        var module = new ScriptModule(p);
        module.To(target);
        return module;
    }

    /// <summary>Loads TorchScript from bytes (e.g. fetched from a model registry).</summary>
    public static ScriptModule Load(ReadOnlySpan<byte> bytes, Device? device = null)
    {
        if (bytes.IsEmpty)
        {
            throw new TorchLoadException("TorchScript bytes are empty.");
        }

        Device target = device ?? Device.Cpu;
        fixed (byte* b = bytes)
        {
            NativeError.Check(NativeMethods.pt_module_load_script_bytes(b, bytes.Length, (int)target.Type, target.Index, out nint p));
            var module = new ScriptModule(p);
            module.To(target);
            return module;
        }
    }

    /// <summary>Calls the scripted forward with one to three tensors.</summary>
    public Tensor Forward(params ReadOnlySpan<Tensor> inputs) => ForwardNative([.. inputs]);
}
