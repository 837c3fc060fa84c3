namespace Pipeline.Persistence.Journal;

/// <summary>Why the journal refused an <see cref="AtomicWrite"/> while the database itself was healthy.</summary>
public enum WriteRejectionKind
{
    /// <summary>The write was stored.</summary>
    None = 0,

    /// <summary>An event with the same (persistence id, sequence nr) already exists: the write would double it.</summary>
    DuplicateSequenceNr = 1,
}
