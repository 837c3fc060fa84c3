namespace Pipeline.Persistence.Delivery;

/// <summary>Redelivery timing and limits of an <see cref="AtLeastOnceDeliveryActor"/>.</summary>
public sealed record AtLeastOnceDeliverySettings
{
    /// <summary>Wait before the first redelivery of an unconfirmed message.</summary>
    public TimeSpan RedeliverInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between redeliveries (the wait doubles per attempt up to this).</summary>
    public TimeSpan MaxRedeliverInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many messages are redelivered per tick (the rest wait for the next tick).</summary>
    public int RedeliveryBurstLimit { get; init; } = 10_000;

    /// <summary>After this many attempts an <see cref="UnconfirmedWarning"/> is sent to the actor itself.</summary>
    public int WarnAfterNumberOfUnconfirmedAttempts { get; init; } = 5;

    /// <summary>Deliveries not yet confirmed; one more throws <see cref="MaxUnconfirmedMessagesExceededException"/>.</summary>
    public int MaxUnconfirmedMessages { get; init; } = 100_000;

    /// <summary>Checks the settings; throws naming the setting.</summary>
    public void Validate()
    {
        if (RedeliverInterval <= TimeSpan.Zero || MaxRedeliverInterval < RedeliverInterval)
            throw new ArgumentException($"Need 0 < {nameof(RedeliverInterval)} <= {nameof(MaxRedeliverInterval)}.");
        if (RedeliveryBurstLimit < 1) throw new ArgumentException($"{nameof(RedeliveryBurstLimit)} must be at least 1.");
        if (WarnAfterNumberOfUnconfirmedAttempts < 1) throw new ArgumentException($"{nameof(WarnAfterNumberOfUnconfirmedAttempts)} must be at least 1.");
        if (MaxUnconfirmedMessages < 1) throw new ArgumentException($"{nameof(MaxUnconfirmedMessages)} must be at least 1.");
    }
}
