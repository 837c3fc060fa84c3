using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Journal;
using Pipeline.Persistence.Query;

namespace Pipeline.Persistence.Sql;

/// <summary>
/// The part of a SQL journal that is the same on every database: the single batching writer, replay,
/// logical deletes and the persistence queries (current and live). Providers add how a batch is stored.
/// </summary>
public abstract class SqlJournal : IJournal, IReadJournal
{
    private readonly BatchingWriter _writer;
    private readonly string _replaySql;
    private readonly string _highestSql;
    private readonly string _deleteSql;
    private readonly string _byPersistenceIdSql;
    private readonly string _byTagSql;
    private readonly string _maxOrderingSql;
    private readonly string _persistenceIdsSql;
    private readonly string _newPersistenceIdsSql;
    private int _disposed;

    private protected SqlJournal(SqlDatabase database, PersistenceSettings settings, ILogger logger)
    {
        Database = database;
        Settings = settings;
        Logger = logger;
        var j = database.Names.Journal;
        var t = database.Names.Tags;
        _replaySql = $"SELECT sequence_nr, timestamp, writer_id, serializer_id, manifest, payload FROM {j} " +
                     "WHERE persistence_id = @pid AND sequence_nr >= @from AND sequence_nr <= @to AND deleted = FALSE ORDER BY sequence_nr LIMIT @max";
        _highestSql = $"SELECT COALESCE(MAX(sequence_nr), 0) FROM {j} WHERE persistence_id = @pid AND sequence_nr >= @from";
        _deleteSql = $"UPDATE {j} SET deleted = TRUE WHERE persistence_id = @pid AND sequence_nr <= @to AND deleted = FALSE";
        _byPersistenceIdSql = $"SELECT ordering, sequence_nr, timestamp, writer_id, serializer_id, manifest, payload, deleted FROM {j} " +
                              "WHERE persistence_id = @pid AND sequence_nr >= @from AND sequence_nr <= @to ORDER BY sequence_nr LIMIT @max";
        _byTagSql = database.Dialect.TagPageSql(database.Names);
        _maxOrderingSql = $"SELECT COALESCE(MAX(ordering), 0) FROM {j}";
        _persistenceIdsSql = $"SELECT DISTINCT persistence_id FROM {j} WHERE persistence_id > @after ORDER BY persistence_id LIMIT @max";
        _newPersistenceIdsSql = $"SELECT persistence_id, MAX(ordering) FROM {j} WHERE ordering > @offset GROUP BY persistence_id";
        _writer = new BatchingWriter(StoreBatchAsync, settings.MaxBatchSize, settings.WriteQueueCapacity, settings.CircuitBreaker.CallTimeout, logger);
    }

    private protected SqlDatabase Database { get; }

    private protected PersistenceSettings Settings { get; }

    private protected ILogger Logger { get; }

    private protected JournalChangeSignal Changes { get; } = new();

    /// <summary>Stores one batch in one transaction, setting each write's outcome; throws when the database fails.</summary>
    private protected abstract Task StoreBatchAsync(List<PendingWrite> batch, CancellationToken cancellationToken);

    /// <summary>Called when a live query starts, so a provider can start push notifications.</summary>
    private protected virtual void OnLiveQueryStarted()
    {
    }

    /// <summary>Creates the schema (if needed) and checks its version; other calls do it lazily too.</summary>
    public ValueTask InitializeAsync(CancellationToken cancellationToken = default) => Database.EnsureSchemaAsync(cancellationToken);

    /// <inheritdoc />
    public Task<WriteResult> WriteAsync(AtomicWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _writer.EnqueueAsync(write, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0)
            return Array.Empty<WriteResult>();
        var tasks = new Task<WriteResult>[writes.Count];
        for (var i = 0; i < writes.Count; i++)
            tasks[i] = WriteAsync(writes[i] ?? throw new ArgumentException($"writes[{i}] is null.", nameof(writes)), cancellationToken);
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<PersistentRepr> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        if (max <= 0 || toSequenceNr < fromSequenceNr)
            yield break;
        await Database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _replaySql;
        SqlCommands.Add(command, "@pid", persistenceId);
        SqlCommands.Add(command, "@from", fromSequenceNr);
        SqlCommands.Add(command, "@to", toSequenceNr);
        SqlCommands.Add(command, "@max", max);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new PersistentRepr(
                persistenceId,
                reader.GetInt64(0),
                reader.GetFieldValue<byte[]>(5),
                reader.GetInt32(3),
                reader.GetString(4),
                reader.GetString(2),
                Array.Empty<string>(),
                SqlCommands.FromTicks(reader.GetInt64(1)));
        }
    }

    /// <inheritdoc />
    public async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        await Database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _highestSql;
        SqlCommands.Add(command, "@pid", persistenceId);
        SqlCommands.Add(command, "@from", fromSequenceNr);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        await Database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _deleteSql;
        SqlCommands.Add(command, "@pid", persistenceId);
        SqlCommands.Add(command, "@to", toSequenceNr);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<EventEnvelope> CurrentEventsByPersistenceId(string persistenceId, long fromSequenceNr, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        return EventsByPersistenceIdAsync(persistenceId, fromSequenceNr, toSequenceNr, live: false, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<EventEnvelope> EventsByPersistenceId(string persistenceId, long fromSequenceNr, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        return EventsByPersistenceIdAsync(persistenceId, fromSequenceNr, toSequenceNr, live: true, cancellationToken);
    }

    private async IAsyncEnumerable<EventEnvelope> EventsByPersistenceIdAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, bool live, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (live)
            OnLiveQueryStarted();
        var next = Math.Max(1, fromSequenceNr);
        var page = new List<EventEnvelope>(Math.Min(Settings.QueryBatchSize, 1024));
        while (next <= toSequenceNr)
        {
            var change = Changes.NextChange;
            var from = next;
            var scanned = await ReadPageAsync(live, ct =>
            {
                page.Clear();
                return ReadPersistenceIdPageAsync(persistenceId, from, toSequenceNr, page, ct);
            }, cancellationToken).ConfigureAwait(false);
            foreach (var envelope in page)
                yield return envelope;
            if (scanned.LastSequenceNr >= next)
                next = scanned.LastSequenceNr + 1;
            if (scanned.Rows == Settings.QueryBatchSize)
                continue;
            if (!live)
                yield break;
            await JournalChangeSignal.WaitAsync(change, Settings.QueryPollingInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(int Rows, long LastSequenceNr)> ReadPersistenceIdPageAsync(string persistenceId, long from, long to, List<EventEnvelope> into, CancellationToken cancellationToken)
    {
        // columns: ordering, sequence_nr, timestamp, writer_id, serializer_id, manifest, payload, deleted
        var (rows, last) = await ReadEnvelopePageAsync(_byPersistenceIdSql, cancellationToken, command =>
        {
            SqlCommands.Add(command, "@pid", persistenceId);
            SqlCommands.Add(command, "@from", from);
            SqlCommands.Add(command, "@to", to);
        }, keyColumn: 1, deletedColumn: 7, into, reader => new EventEnvelope(
            reader.GetInt64(0), persistenceId, reader.GetInt64(1), SqlCommands.FromTicks(reader.GetInt64(2)),
            reader.GetInt32(4), reader.GetString(5), reader.GetFieldValue<byte[]>(6), reader.GetString(3))).ConfigureAwait(false);
        return (rows, last);
    }

    /// <summary>
    /// Reads one page of a query into <paramref name="into"/>: deleted rows are skipped but still count, so that
    /// paging moves past them. Returns the rows scanned and the last value of <paramref name="keyColumn"/>.
    /// </summary>
    private async Task<(int Rows, long LastKey)> ReadEnvelopePageAsync(string sql, CancellationToken cancellationToken, Action<DbCommand> bind,
        int keyColumn, int deletedColumn, List<EventEnvelope> into, Func<DbDataReader, EventEnvelope> map)
    {
        await Database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        SqlCommands.Add(command, "@max", (long)Settings.QueryBatchSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = 0;
        var last = 0L;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows++;
            last = reader.GetInt64(keyColumn);
            if (!reader.GetBoolean(deletedColumn))
                into.Add(map(reader));
        }
        return (rows, last);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<EventEnvelope> CurrentEventsByTag(string tag, long offset, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        return EventsByTagAsync(tag, offset, live: false, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<EventEnvelope> EventsByTag(string tag, long offset, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        return EventsByTagAsync(tag, offset, live: true, cancellationToken);
    }

    private async IAsyncEnumerable<EventEnvelope> EventsByTagAsync(string tag, long offset, bool live, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (live)
            OnLiveQueryStarted();
        var upTo = live ? long.MaxValue : await ReadMaxOrderingAsync(cancellationToken).ConfigureAwait(false);
        var page = new List<EventEnvelope>(Math.Min(Settings.QueryBatchSize, 1024));
        while (true)
        {
            var change = Changes.NextChange;
            var after = offset;
            var scanned = await ReadPageAsync(live, ct =>
            {
                page.Clear();
                return ReadTagPageAsync(tag, after, upTo, page, ct);
            }, cancellationToken).ConfigureAwait(false);
            foreach (var envelope in page)
                yield return envelope;
            if (scanned.LastOrdering > offset)
                offset = scanned.LastOrdering;
            if (scanned.Rows == Settings.QueryBatchSize)
                continue;
            if (!live)
                yield break;
            await JournalChangeSignal.WaitAsync(change, Settings.QueryPollingInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(int Rows, long LastOrdering)> ReadTagPageAsync(string tag, long offset, long upTo, List<EventEnvelope> into, CancellationToken cancellationToken)
    {
        // columns: ordering, persistence_id, sequence_nr, timestamp, writer_id, serializer_id, manifest, payload, deleted
        var (rows, last) = await ReadEnvelopePageAsync(_byTagSql, cancellationToken, command =>
        {
            SqlCommands.Add(command, "@tag", tag);
            SqlCommands.Add(command, "@offset", offset);
            SqlCommands.Add(command, "@upto", upTo);
        }, keyColumn: 0, deletedColumn: 8, into, reader => new EventEnvelope(
            reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), SqlCommands.FromTicks(reader.GetInt64(3)),
            reader.GetInt32(5), reader.GetString(6), reader.GetFieldValue<byte[]>(7), reader.GetString(4))).ConfigureAwait(false);
        return (rows, last);
    }

    private async Task<long> ReadMaxOrderingAsync(CancellationToken cancellationToken)
    {
        await Database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _maxOrderingSql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<string> CurrentPersistenceIds(CancellationToken cancellationToken = default) =>
        PersistenceIdsAsync(live: false, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<string> PersistenceIds(CancellationToken cancellationToken = default) =>
        PersistenceIdsAsync(live: true, cancellationToken);

    private async IAsyncEnumerable<string> PersistenceIdsAsync(bool live, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (live)
            OnLiveQueryStarted();
        var seen = live ? new HashSet<string>(StringComparer.Ordinal) : null;
        var offset = await ReadMaxOrderingAsync(cancellationToken).ConfigureAwait(false);
        var after = "";
        var page = new List<string>();
        while (true)
        {
            page.Clear();
            await ReadPersistenceIdPageAsync(after, page, cancellationToken).ConfigureAwait(false);
            foreach (var id in page)
            {
                seen?.Add(id);
                yield return id;
            }
            if (page.Count < Settings.QueryBatchSize)
                break;
            after = page[^1];
        }
        if (seen is null)
            yield break;

        while (true)
        {
            var change = Changes.NextChange;
            await JournalChangeSignal.WaitAsync(change, Settings.QueryPollingInterval, cancellationToken).ConfigureAwait(false);
            var found = await ReadPageAsync(live: true, ct => ReadNewPersistenceIdsAsync(offset, ct), cancellationToken).ConfigureAwait(false);
            page.Clear();
            foreach (var (id, ordering) in found)
            {
                offset = Math.Max(offset, ordering);
                if (seen.Add(id))
                    page.Add(id);
            }
            page.Sort(StringComparer.Ordinal);
            foreach (var id in page)
                yield return id;
        }
    }

    private async Task<List<(string Id, long Ordering)>> ReadNewPersistenceIdsAsync(long offset, CancellationToken cancellationToken)
    {
        await Database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _newPersistenceIdsSql;
        SqlCommands.Add(command, "@offset", offset);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var found = new List<(string, long)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            found.Add((reader.GetString(0), reader.GetInt64(1)));
        return found;
    }

    /// <summary>
    /// Reads one page. In a live query a database failure is logged and the same page is read again after a
    /// growing pause, so live queries outlive a database restart without skipping or repeating events.
    /// </summary>
    private async Task<T> ReadPageAsync<T>(bool live, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        if (!live)
            return await read(cancellationToken).ConfigureAwait(false);
        var pause = Settings.QueryPollingInterval;
        while (true)
        {
            try
            {
                return await read(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DbException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                Logger.LogWarning(ex, "A live persistence query failed to read; retrying in {Pause}", pause);
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, Settings.CircuitBreaker.MaxResetTimeout.Ticks));
            }
        }
    }

    private async Task ReadPersistenceIdPageAsync(string after, List<string> into, CancellationToken cancellationToken)
    {
        await Database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _persistenceIdsSql;
        SqlCommands.Add(command, "@after", after);
        SqlCommands.Add(command, "@max", (long)Settings.QueryBatchSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            into.Add(reader.GetString(0));
    }

    /// <summary>Lets queued writes be stored, then releases the writer and provider resources.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _writer.DisposeAsync().ConfigureAwait(false);
        await DisposeProviderAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the provider holds (writer connection, listeners, pools).</summary>
    private protected abstract ValueTask DisposeProviderAsync();
}
