namespace Pipeline.Models;

/// <summary>libtorch or the pipeline_torch shim is missing or the wrong version; the message says which command installs it.</summary>
public class TorchNativeLibraryException : TorchException
{
    /// <summary>Creates the exception with a message.</summary>
    public TorchNativeLibraryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public TorchNativeLibraryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
