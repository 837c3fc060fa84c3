namespace Pipeline.Models;

/// <summary>A libtorch operation failed; the message is libtorch's (or the shim's) own.</summary>
public class TorchException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public TorchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public TorchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
