namespace Pipeline.Streams.Supervision;

/// <summary>What a stage does when its user function throws (Akka.Streams' supervision directives).</summary>
public enum Directive
{
    /// <summary>Fail the stage: the failure travels downstream and the upstream is cancelled (the default).</summary>
    Stop,
    /// <summary>Drop the element that caused the failure and go on with the stage's state as it was.</summary>
    Resume,
    /// <summary>Drop the element, reset the stage's state (e.g. a Scan's accumulator) and go on.</summary>
    Restart,
}
