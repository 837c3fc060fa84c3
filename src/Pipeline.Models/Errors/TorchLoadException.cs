namespace Pipeline.Models;

/// <summary>A model file, TorchScript blob, optimizer state or checkpoint could not be read.</summary>
public class TorchLoadException : TorchException
{
    /// <summary>Creates the exception with a message.</summary>
    public TorchLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public TorchLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
