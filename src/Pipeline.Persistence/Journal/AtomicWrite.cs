namespace Pipeline.Persistence.Journal;

/// <summary>
/// A group of events of ONE persistence id that is stored all-or-nothing (Akka's AtomicWrite, what PersistAll produces).
/// </summary>
public sealed class AtomicWrite
{
    /// <summary>Creates an atomic write and checks that it is well formed.</summary>
    /// <param name="events">Events in ascending, contiguous sequence order, all of the same persistence id.</param>
    /// <exception cref="ArgumentException">The group is empty, mixes persistence ids or is not contiguous.</exception>
    public AtomicWrite(IReadOnlyList<PersistentRepr> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
            throw new ArgumentException("An AtomicWrite needs at least one event.", nameof(events));
        var first = events[0];
        first.Validate();
        for (var i = 1; i < events.Count; i++)
        {
            var e = events[i];
            e.Validate();
            if (e.PersistenceId != first.PersistenceId)
                throw new ArgumentException($"An AtomicWrite must hold events of one persistence id: got '{first.PersistenceId}' and '{e.PersistenceId}'.", nameof(events));
            if (e.SequenceNr != first.SequenceNr + i)
                throw new ArgumentException($"An AtomicWrite must hold contiguous ascending sequence numbers: '{first.PersistenceId}' expected {first.SequenceNr + i}, got {e.SequenceNr}.", nameof(events));
        }
        Events = events;
    }

    /// <summary>Creates an atomic write of a single event (what Persist/PersistAsync produce).</summary>
    public AtomicWrite(PersistentRepr single) : this(new[] { single ?? throw new ArgumentNullException(nameof(single)) })
    {
    }

    /// <summary>The events, in sequence order.</summary>
    public IReadOnlyList<PersistentRepr> Events { get; }

    /// <summary>The persistence id all events belong to.</summary>
    public string PersistenceId => Events[0].PersistenceId;

    /// <summary>Lowest sequence number in the group.</summary>
    public long LowestSequenceNr => Events[0].SequenceNr;

    /// <summary>Highest sequence number in the group.</summary>
    public long HighestSequenceNr => Events[^1].SequenceNr;
}
