using System.Runtime.InteropServices;

namespace Pipeline.Models.Native;

/// <summary>Owns one native module handle so it is released exactly once, even when the owner is only finalized.</summary>
internal sealed class NativeModuleHandle : SafeHandle
{
    /// <summary>Creates an empty handle (used by the interop marshaller).</summary>
    public NativeModuleHandle()
        : base(0, ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of a pointer the shim returned.</summary>
    public NativeModuleHandle(nint pointer)
        : base(0, ownsHandle: true) => SetHandle(pointer);

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        NativeMethods.pt_module_free(handle);
        return true;
    }
}
