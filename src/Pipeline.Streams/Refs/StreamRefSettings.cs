namespace Pipeline.Streams.Refs;

/// <summary>
/// Tuning of stream references: how many elements the receiving side grants ahead (its bounded buffer, hence the
/// most that is ever in flight or buffered), how many travel in one remote message, and the timeouts.
/// </summary>
public sealed record StreamRefSettings
{
    /// <summary>The defaults.</summary>
    public static StreamRefSettings Default { get; } = new();

    /// <summary>
    /// Elements the receiving side may hold (in flight plus buffered): its credit. More is requested when half of
    /// it has been consumed, so a slow consumer stops the producer after at most this many elements.
    /// </summary>
    public int BufferCapacity { get; init; } = 2048;

    /// <summary>Elements per remote message at most (the producer also sends a partial batch when it runs dry).</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>How long the origin waits for the other side to attach (and the other side for the origin's answer).</summary>
    public TimeSpan SubscriptionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a waiting receiver repeats its cumulative demand (in case a message was lost with a connection).</summary>
    public TimeSpan DemandRedeliveryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after the partner's termination signal the stage still waits for its completion message (the two
    /// travel on different queues) before it fails with <see cref="RemoteStreamRefActorTerminatedException"/>.
    /// </summary>
    public TimeSpan FinalTerminationSignalDeadline { get; init; } = TimeSpan.FromSeconds(2);

    internal StreamRefSettings Validate()
    {
        if (BufferCapacity < 1) throw new ArgumentOutOfRangeException(nameof(BufferCapacity), BufferCapacity, "StreamRefSettings.BufferCapacity must be at least 1.");
        if (MaxBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "StreamRefSettings.MaxBatchSize must be at least 1.");
        if (SubscriptionTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(SubscriptionTimeout), SubscriptionTimeout, "StreamRefSettings.SubscriptionTimeout must be positive.");
        if (DemandRedeliveryInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(DemandRedeliveryInterval), DemandRedeliveryInterval, "StreamRefSettings.DemandRedeliveryInterval must be positive.");
        if (FinalTerminationSignalDeadline < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(FinalTerminationSignalDeadline), FinalTerminationSignalDeadline, "StreamRefSettings.FinalTerminationSignalDeadline must not be negative.");
        return this;
    }
}
