namespace Pipeline.Persistence.Actors;

/// <summary>How persistent actors recover: the concurrency cap and the retries while the database is away.</summary>
public sealed record PersistentActorSettings
{
    /// <summary>Recoveries running at once per actor system (the rest wait their turn).</summary>
    public int MaxConcurrentRecoveries { get; init; } = 50;

    /// <summary>Attempts of a recovery whose journal or snapshot store fails (the database is down).</summary>
    public int RecoveryAttempts { get; init; } = 10;

    /// <summary>The first wait between recovery attempts; it doubles up to <see cref="MaxRecoveryBackoff"/>.</summary>
    public TimeSpan MinRecoveryBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between recovery attempts.</summary>
    public TimeSpan MaxRecoveryBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Capacity of the buffer of commands held back while events are being persisted.</summary>
    public int CommandStashCapacity { get; init; } = 100_000;

    /// <summary>Checks the settings; throws naming the setting and the fix.</summary>
    public void Validate()
    {
        if (MaxConcurrentRecoveries < 1) throw new ArgumentException($"{nameof(MaxConcurrentRecoveries)} must be at least 1 (was {MaxConcurrentRecoveries}).");
        if (RecoveryAttempts < 1) throw new ArgumentException($"{nameof(RecoveryAttempts)} must be at least 1 (was {RecoveryAttempts}).");
        if (MinRecoveryBackoff <= TimeSpan.Zero || MaxRecoveryBackoff < MinRecoveryBackoff)
            throw new ArgumentException($"Recovery backoff needs 0 < {nameof(MinRecoveryBackoff)} <= {nameof(MaxRecoveryBackoff)}.");
        if (CommandStashCapacity < 1) throw new ArgumentException($"{nameof(CommandStashCapacity)} must be at least 1.");
    }
}
