namespace Pipeline.Runtime.Dispatch;

/// <summary>
/// Which mailbox an actor gets: the unbounded lock-free queue (the default), or a bounded one with a
/// capacity and an overflow policy. Part of <see cref="Actors.Props"/>.
/// </summary>
public sealed record MailboxSettings
{
    /// <summary>The default, unbounded mailbox.</summary>
    public static MailboxSettings Unbounded { get; } = new();

    /// <summary>Null for unbounded; otherwise the maximum number of queued user messages.</summary>
    public int? Capacity { get; init; }

    /// <summary>What happens when a bounded mailbox is full.</summary>
    public OverflowStrategy Overflow { get; init; } = OverflowStrategy.DropNewest;

    /// <summary>Creates bounded mailbox settings.</summary>
    public static MailboxSettings Bounded(int capacity, OverflowStrategy overflow)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A bounded mailbox needs a capacity of at least 1.");
        return new MailboxSettings { Capacity = capacity, Overflow = overflow };
    }
}
