namespace Pipeline.Cluster.Membership;

/// <summary>A member's lifecycle, as in Akka: Joining → Up → Leaving → Exiting → Removed, or Down → Removed on failure.</summary>
public enum MemberStatus
{
    /// <summary>Registered, connecting to the others; not yet counted for singletons.</summary>
    Joining,

    /// <summary>A full member.</summary>
    Up,

    /// <summary>Leaving gracefully: handing its work over.</summary>
    Leaving,

    /// <summary>Hand-over done, about to stop.</summary>
    Exiting,

    /// <summary>Declared dead by suspicion votes (or replaced by its own restart); it must stop if still running.</summary>
    Down,

    /// <summary>Gone for good; the row stays as a tombstone of that incarnation.</summary>
    Removed,
}
