using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Journal;
using Pipeline.Persistence.Sql;

namespace Pipeline.Persistence.Sqlite;

/// <summary>
/// The SQLite journal: one file in WAL mode, one writer connection with prepared statements that stores each
/// batch in one transaction; readers use their own pooled connections and never block the writer.
/// </summary>
public sealed class SqliteJournal : SqlJournal
{
    private readonly SqliteDatabase _sqlite;
    private SqliteConnection? _connection;
    private RawStatement? _insertEvent;
    private RawStatement? _insertTag;

    internal SqliteJournal(SqliteDatabase database, PersistenceSettings settings, ILogger logger)
        : base(database, settings, logger)
    {
        _sqlite = database;
    }

    private protected override async Task StoreBatchAsync(List<PendingWrite> batch, CancellationToken cancellationToken)
    {
        // SQLite calls block: run the batch off the writer loop so that the loop can time it out (busy locks, slow disks)
        await Task.Yield();
        try
        {
            await Database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            var connection = _connection ?? await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                foreach (var pending in batch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    pending.Outcome = StoreAtomicWrite(transaction, pending.Write);
                }
                transaction.Commit();
            }
        }
        catch
        {
            await DropWriterAsync().ConfigureAwait(false);
            throw;
        }
        Changes.Signal();
    }

    private WriteResult StoreAtomicWrite(SqliteTransaction transaction, AtomicWrite write)
    {
        var events = write.Events;
        if (events.Count == 1)
            return TryInsert(events[0]) ? WriteResult.Success : WriteResult.Duplicate(write);

        transaction.Save("aw");
        foreach (var e in events)
        {
            if (!TryInsert(e))
            {
                transaction.Rollback("aw");
                transaction.Release("aw");
                return WriteResult.Duplicate(write);
            }
        }
        transaction.Release("aw");
        return WriteResult.Success;
    }

    /// <summary>Inserts one event and its tags; false when (persistence id, sequence nr) already exists (SQLite aborts only that statement).</summary>
    private bool TryInsert(PersistentRepr e)
    {
        var insert = _insertEvent!;
        insert.Bind(1, e.PersistenceId);
        insert.Bind(2, e.SequenceNr);
        insert.Bind(3, e.Timestamp.UtcTicks);
        insert.Bind(4, e.WriterId);
        insert.Bind(5, e.SerializerId);
        insert.Bind(6, e.Manifest);
        insert.Bind(7, e.Payload.Span);
        if (!insert.TryExecute())
            return false;

        var tags = e.Tags;
        for (var i = 0; i < tags.Count; i++)
        {
            if (IsRepeatedTag(tags, i))
                continue;
            var tag = _insertTag!;
            tag.Bind(1, tags[i]);
            tag.Bind(2, e.PersistenceId);
            tag.Bind(3, e.SequenceNr);
            tag.Execute();
        }
        return true;
    }

    private static bool IsRepeatedTag(IReadOnlyList<string> tags, int index)
    {
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(tags[i], tags[index], StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = await _sqlite.OpenSqliteAsync(cancellationToken).ConfigureAwait(false);
        var names = Database.Names;
        try
        {
            _insertEvent = new RawStatement(connection,
                $"INSERT INTO {names.Journal} (persistence_id, sequence_nr, timestamp, writer_id, serializer_id, manifest, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
            _insertTag = new RawStatement(connection,
                $"INSERT OR IGNORE INTO {names.Tags} (tag, ordering, persistence_id, sequence_nr) VALUES (?1, last_insert_rowid(), ?2, ?3)");
        }
        catch
        {
            await DropWriterAsync(connection).ConfigureAwait(false);
            throw;
        }
        _connection = connection;
        return connection;
    }

    private ValueTask DropWriterAsync() => DropWriterAsync(_connection);

    private async ValueTask DropWriterAsync(SqliteConnection? connection)
    {
        _insertEvent?.Dispose();
        _insertTag?.Dispose();
        _insertEvent = null;
        _insertTag = null;
        _connection = null;
        if (connection is not null)
            await connection.DisposeAsync().ConfigureAwait(false);
    }

    private protected override ValueTask DisposeProviderAsync() => DropWriterAsync();
}
