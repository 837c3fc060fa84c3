namespace Pipeline.Models;

/// <summary>Tensor shapes or sizes do not fit; the message names the expected and the actual shape.</summary>
public class TorchShapeException : TorchException
{
    /// <summary>Creates the exception with a message.</summary>
    public TorchShapeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public TorchShapeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
