namespace Pipeline.Cluster.Remoting;

/// <summary>
/// How the kernel's singleton control messages (<see cref="Pipeline.Runtime.Actors.PoisonPill"/>,
/// <see cref="Pipeline.Runtime.Actors.Kill"/>) travel to a remote actor: they are local-only objects, so remoting
/// sends this stand-in and the receiving node turns it back into the kernel's instance.
/// </summary>
/// <param name="Kind">"poison-pill" or "kill".</param>
public sealed record RemoteControlMessage(string Kind)
{
    /// <summary>Stands for <see cref="Pipeline.Runtime.Actors.PoisonPill"/>.</summary>
    public const string PoisonPillKind = "poison-pill";

    /// <summary>Stands for <see cref="Pipeline.Runtime.Actors.Kill"/>.</summary>
    public const string KillKind = "kill";
}
