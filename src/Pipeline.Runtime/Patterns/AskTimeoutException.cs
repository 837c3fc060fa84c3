namespace Pipeline.Runtime.Patterns;

/// <summary>An Ask got no answer in time; the message names the target, the message type and the timeout.</summary>
public sealed class AskTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public AskTimeoutException(string message) : base(message) { }
}
