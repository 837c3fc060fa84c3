using System.Buffers.Binary;
using System.Collections.Concurrent;
using Pipeline.Persistence.Journal;

namespace Pipeline.Streams.Offsets;

/// <summary>
/// Offsets kept in the Pipeline.Persistence journal (SQLite or PostgreSQL), so that a log source resumes after a
/// crash from what was durably committed, in the same database as the rest of the actor state. Each source id is
/// one persistence id ("stream-offset/" + source id) whose last event is the offset; older events are deleted
/// as it goes. Commits of one source are serialized; a lower offset than the stored one is ignored.
/// </summary>
public sealed class JournalOffsetStore : IOffsetStore
{
    /// <summary>The manifest of offset events (8-byte little-endian payload, byte-array serializer).</summary>
    public const string Manifest = "stream-offset";

    private const int ByteArraySerializerId = 1;
    private readonly IJournal _journal;
    private readonly string _writerId;
    private readonly int _deleteEvery;
    private readonly ConcurrentDictionary<string, SourceState> _sources = new(StringComparer.Ordinal);

    /// <summary>Creates the store on a journal.</summary>
    /// <param name="journal">The journal (use the circuit-breaking one of a PersistenceStore).</param>
    /// <param name="writerId">Written into each event's writer id.</param>
    /// <param name="deleteEvery">Delete the events older than the last one every this many commits.</param>
    public JournalOffsetStore(IJournal journal, string writerId = "stream-offsets", int deleteEvery = 100)
    {
        ArgumentNullException.ThrowIfNull(journal);
        if (deleteEvery < 1) throw new ArgumentOutOfRangeException(nameof(deleteEvery), deleteEvery, "Must be at least 1.");
        _journal = journal;
        _writerId = writerId;
        _deleteEvery = deleteEvery;
    }

    /// <summary>The persistence id under which a source's offsets are stored.</summary>
    public static string PersistenceIdOf(string sourceId) => "stream-offset/" + sourceId;

    /// <inheritdoc />
    public async ValueTask<long?> LoadAsync(string sourceId, CancellationToken cancellationToken = default)
    {
        var state = State(sourceId);
        await state.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureLoadedAsync(sourceId, state, cancellationToken).ConfigureAwait(false);
            return state.Offset;
        }
        finally
        {
            state.Lock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask CommitAsync(string sourceId, long offset, CancellationToken cancellationToken = default)
    {
        var state = State(sourceId);
        await state.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureLoadedAsync(sourceId, state, cancellationToken).ConfigureAwait(false);
            if (state.Offset is { } current && offset <= current) return;
            var payload = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(payload, offset);
            var seq = state.SequenceNr + 1;
            var result = await _journal.WriteAsync(new AtomicWrite(new PersistentRepr(PersistenceIdOf(sourceId), seq, payload,
                ByteArraySerializerId, Manifest, _writerId, [], DateTimeOffset.UtcNow)), cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                state.Loaded = false; // another writer moved on: reload next time
                throw new InvalidOperationException($"Committing offset {offset} of source '{sourceId}' was rejected: {result.Message}");
            }
            state.SequenceNr = seq;
            state.Offset = offset;
            if (seq % _deleteEvery == 0)
                await _journal.DeleteMessagesToAsync(PersistenceIdOf(sourceId), seq - 1, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            state.Lock.Release();
        }
    }

    private SourceState State(string sourceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceId);
        return _sources.GetOrAdd(sourceId, static _ => new SourceState());
    }

    private async Task EnsureLoadedAsync(string sourceId, SourceState state, CancellationToken cancellationToken)
    {
        if (state.Loaded) return;
        var pid = PersistenceIdOf(sourceId);
        var highest = await _journal.ReadHighestSequenceNrAsync(pid, 0, cancellationToken).ConfigureAwait(false);
        long? offset = null;
        if (highest > 0)
        {
            await foreach (var e in _journal.ReplayAsync(pid, highest, highest, 1, cancellationToken).ConfigureAwait(false))
            {
                if (e.Manifest != Manifest || e.Payload.Length != 8)
                    throw new InvalidOperationException($"Journal entry {pid}#{e.SequenceNr} is not a stream offset (manifest '{e.Manifest}', {e.Payload.Length} bytes).");
                offset = BinaryPrimitives.ReadInt64LittleEndian(e.Payload.Span);
            }
        }
        state.SequenceNr = highest;
        state.Offset = offset;
        state.Loaded = true;
    }

    private sealed class SourceState
    {
        public readonly SemaphoreSlim Lock = new(1, 1);
        public bool Loaded;
        public long SequenceNr;
        public long? Offset;
    }
}
