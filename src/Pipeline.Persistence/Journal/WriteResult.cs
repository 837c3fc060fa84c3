namespace Pipeline.Persistence.Journal;

/// <summary>
/// Outcome of one <see cref="AtomicWrite"/>. A rejection (Akka's OnPersistRejected) leaves the actor alive;
/// a database failure is never a result but an exception from the write call (Akka's OnPersistFailure).
/// </summary>
/// <param name="Rejection">Why the write was refused, or <see cref="WriteRejectionKind.None"/> when it was stored.</param>
/// <param name="Message">Human-readable reason for a rejection; null on success.</param>
public readonly record struct WriteResult(WriteRejectionKind Rejection, string? Message)
{
    /// <summary>The write was stored durably.</summary>
    public static WriteResult Success => default;

    /// <summary>True when the write was stored.</summary>
    public bool IsSuccess => Rejection == WriteRejectionKind.None;

    /// <summary>Builds the rejection for a write that would double an existing (persistence id, sequence nr).</summary>
    public static WriteResult Duplicate(AtomicWrite write) => new(
        WriteRejectionKind.DuplicateSequenceNr,
        $"Rejected write of persistence id '{write.PersistenceId}', sequence nr {write.LowestSequenceNr}..{write.HighestSequenceNr}: an event with the same persistence id and sequence nr is already stored.");
}
