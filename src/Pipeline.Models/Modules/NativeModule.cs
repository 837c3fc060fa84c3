using System.Runtime.InteropServices;
using Pipeline.Models.Native;
using static Pipeline.Models.Native.NativeError;

namespace Pipeline.Models;

/// <summary>A module implemented by libtorch itself (torch::nn or TorchScript), reached through one handle.</summary>
public abstract unsafe class NativeModule : Module
{
    private readonly NativeModuleHandle _handle;
    private StateEntry[]? _state;

    private protected NativeModule(nint pointer) => _handle = new NativeModuleHandle(pointer);

    /// <summary>Checks a constructor call's status and passes its handle on (for base(...) initialisers).</summary>
    private protected static nint Created(int status, nint pointer)
    {
        Check(status);
        return pointer;
    }

    internal NativeModuleHandle Handle
    {
        get
        {
            ThrowIfDisposed();
            return _handle;
        }
    }

    /// <inheritdoc />
    protected override IEnumerable<StateEntry> OwnState() => _state ??= ReadState();

    /// <inheritdoc />
    protected override void OnTrain(bool on) => Check(NativeMethods.pt_module_train(Handle, on ? 1 : 0));

    /// <inheritdoc />
    protected override void OnTo(Device device) => Check(NativeMethods.pt_module_to(Handle, (int)device.Type, device.Index));

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (StateEntry entry in _state ?? [])
            {
                entry.Tensor.Dispose();
            }

            _handle.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Runs the native forward with one input.</summary>
    private protected Tensor ForwardNative(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        nint* inputs = stackalloc nint[1];
        inputs[0] = a.Handle.DangerousGetHandle();
        Check(NativeMethods.pt_module_forward(Handle, inputs, 1, GradModeScope.NativeMode, out nint result));
        GC.KeepAlive(a);
        return new Tensor(result);
    }

    /// <summary>Runs the native forward with two inputs.</summary>
    private protected Tensor ForwardNative(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        nint* inputs = stackalloc nint[2];
        inputs[0] = a.Handle.DangerousGetHandle();
        inputs[1] = b.Handle.DangerousGetHandle();
        Check(NativeMethods.pt_module_forward(Handle, inputs, 2, GradModeScope.NativeMode, out nint result));
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        return new Tensor(result);
    }

    /// <summary>Runs the native forward with one to three inputs; inputs after the first may be null (absent optional arguments).</summary>
    private protected Tensor ForwardNative(ReadOnlySpan<Tensor?> args)
    {
        if (args.Length is < 1 or > 3)
        {
            throw new ArgumentException($"Forward takes 1 to 3 tensors; got {args.Length}.", nameof(args));
        }

        nint* inputs = stackalloc nint[3];
        for (int i = 0; i < args.Length; i++)
        {
            Tensor? arg = args[i];
            if (arg is null && i == 0)
            {
                throw new ArgumentNullException(nameof(args), "The first forward input is required.");
            }

            inputs[i] = arg is null ? 0 : arg.Handle.DangerousGetHandle();
        }

        Check(NativeMethods.pt_module_forward(Handle, inputs, args.Length, GradModeScope.NativeMode, out nint result));
        foreach (Tensor? t in args)
        {
            GC.KeepAlive(t);
        }

        return new Tensor(result);
    }

    private StateEntry[] ReadState()
    {
        Check(NativeMethods.pt_module_state_count(Handle, out int count));
        var entries = new StateEntry[count];
        for (int i = 0; i < count; i++)
        {
            Check(NativeMethods.pt_module_state_entry(Handle, i, out byte* name, out int isParameter, out nint tensor));
            entries[i] = new StateEntry(Marshal.PtrToStringUTF8((nint)name)!, new Tensor(tensor, joinScope: false), isParameter != 0);
        }

        return entries;
    }
}
