namespace Pipeline.Streams.Implementation;

/// <summary>A one-in-one-out logic whose element failures follow the supervision decider (resume/restart drop the element).</summary>
internal interface ISupervisedLogic
{
    /// <summary>Resets the stage's state for <see cref="Supervision.Directive.Restart"/>.</summary>
    void OnRestart();
}
