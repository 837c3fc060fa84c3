namespace Pipeline.Models;

/// <summary>What an optimizer step did.</summary>
public enum StepResult
{
    /// <summary>The weights were updated.</summary>
    Applied = 0,

    /// <summary>The loss or a gradient held NaN or Inf: nothing changed, gradients were cleared, the rejection was counted.</summary>
    RejectedNonFinite = 1,
}
