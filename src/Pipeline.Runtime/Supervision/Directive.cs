namespace Pipeline.Runtime.Supervision;

/// <summary>What a supervisor does with a failed child.</summary>
public enum Directive
{
    /// <summary>Keep the actor and its state; continue with the next message.</summary>
    Resume,
    /// <summary>Replace the actor instance with a fresh one (state lost, mailbox kept).</summary>
    Restart,
    /// <summary>Stop the actor for good.</summary>
    Stop,
    /// <summary>Fail the supervisor itself with the same exception, so its own supervisor decides.</summary>
    Escalate,
}
