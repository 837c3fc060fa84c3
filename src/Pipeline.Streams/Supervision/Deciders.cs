namespace Pipeline.Streams.Supervision;

/// <summary>The common deciders.</summary>
public static class Deciders
{
    /// <summary>Always stops (the default of every stage).</summary>
    public static Decider Stopping { get; } = static _ => Directive.Stop;

    /// <summary>Always resumes: failing elements are dropped (they should be counted or quarantined by the caller).</summary>
    public static Decider Resuming { get; } = static _ => Directive.Resume;

    /// <summary>Always restarts the stage's state.</summary>
    public static Decider Restarting { get; } = static _ => Directive.Restart;
}
