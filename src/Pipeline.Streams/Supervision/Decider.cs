namespace Pipeline.Streams.Supervision;

/// <summary>Chooses a <see cref="Directive"/> for a failure of a stage's user function; set per stage with
/// <c>WithAttributes(Attributes.CreateSupervision(decider))</c>.</summary>
/// <param name="cause">The exception thrown by the user function.</param>
public delegate Directive Decider(Exception cause);
