using Pipeline.Persistence.Journal;

namespace Pipeline.Persistence.Sql;

/// <summary>
/// One caller's atomic write waiting in the writer queue; the caller awaits <c>Task</c>. Its continuation runs on
/// the thread pool, never on the writer loop, so slow caller code cannot stall the journal.
/// </summary>
internal sealed class PendingWrite : TaskCompletionSource<WriteResult>
{
    public PendingWrite(AtomicWrite write) : base(TaskCreationOptions.RunContinuationsAsynchronously) => Write = write;

    public AtomicWrite Write { get; }

    /// <summary>The outcome decided inside the batch transaction, published only once it commits.</summary>
    public WriteResult Outcome { get; set; }
}
