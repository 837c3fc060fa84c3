namespace Pipeline.Runtime.Actors;

/// <summary>
/// Lets an actor set the current message aside and take it back later, in order (typically when it changes
/// behaviour). Bounded by <see cref="Props.StashCapacity"/>; stashed messages survive a restart and go to
/// dead letters when the actor stops.
/// </summary>
public interface IStash
{
    /// <summary>Stashes the current message.</summary>
    void Stash();

    /// <summary>Puts the oldest stashed message back in front of the mailbox.</summary>
    void Unstash();

    /// <summary>Puts all stashed messages back in front of the mailbox, in the order they were stashed.</summary>
    void UnstashAll();

    /// <summary>Puts back the stashed messages that match, in order; the others stay stashed.</summary>
    void UnstashAll(Func<object, bool> predicate);

    /// <summary>Drops all stashed messages and returns them.</summary>
    IReadOnlyList<object> ClearStash();

    /// <summary>Number of stashed messages.</summary>
    int Count { get; }
}
