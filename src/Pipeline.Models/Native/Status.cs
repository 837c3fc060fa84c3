namespace Pipeline.Models.Native;

/// <summary>Status codes of the C ABI (PT_OK, PT_E*), mapped to exception types by <see cref="NativeError"/>.</summary>
internal enum Status
{
    Ok = 0,
    Error = 1,
    Shape = 2,
    Argument = 3,
    Io = 4,
    NotSupported = 5,
}
