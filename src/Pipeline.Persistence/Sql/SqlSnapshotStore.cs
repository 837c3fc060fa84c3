using Pipeline.Persistence.Snapshots;

namespace Pipeline.Persistence.Sql;

/// <summary>
/// The snapshot store on either SQL database: the upsert and range statements are the same SQL on SQLite and PostgreSQL.
/// </summary>
public sealed class SqlSnapshotStore : ISnapshotStore
{
    private readonly SqlDatabase _database;
    private readonly string _saveSql;
    private readonly string _loadSql;
    private readonly string _deleteOneSql;
    private readonly string _deleteRangeSql;

    internal SqlSnapshotStore(SqlDatabase database)
    {
        _database = database;
        var s = database.Names.Snapshot;
        _saveSql = $"INSERT INTO {s} (persistence_id, sequence_nr, timestamp, serializer_id, manifest, payload) VALUES (@pid, @seq, @ts, @ser, @man, @payload) " +
                   "ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET timestamp = excluded.timestamp, serializer_id = excluded.serializer_id, manifest = excluded.manifest, payload = excluded.payload";
        const string window = "persistence_id = @pid AND sequence_nr <= @maxSeq AND sequence_nr >= @minSeq AND timestamp <= @maxTs AND timestamp >= @minTs";
        _loadSql = $"SELECT sequence_nr, timestamp, serializer_id, manifest, payload FROM {s} WHERE {window} ORDER BY sequence_nr DESC LIMIT 1";
        _deleteOneSql = $"DELETE FROM {s} WHERE persistence_id = @pid AND sequence_nr = @seq";
        _deleteRangeSql = $"DELETE FROM {s} WHERE {window}";
    }

    /// <summary>Creates the schema (if needed) and checks its version; other calls do it lazily too.</summary>
    public ValueTask InitializeAsync(CancellationToken cancellationToken = default) => _database.EnsureSchemaAsync(cancellationToken);

    /// <inheritdoc />
    public async Task SaveAsync(SnapshotRecord snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        snapshot.Validate();
        await _database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _saveSql;
        SqlCommands.Add(command, "@pid", snapshot.Metadata.PersistenceId);
        SqlCommands.Add(command, "@seq", snapshot.Metadata.SequenceNr);
        SqlCommands.Add(command, "@ts", SqlCommands.ToTicks(snapshot.Metadata.Timestamp));
        SqlCommands.Add(command, "@ser", snapshot.SerializerId);
        SqlCommands.Add(command, "@man", snapshot.Manifest);
        SqlCommands.Add(command, "@payload", SqlCommands.AsArray(snapshot.Payload));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SnapshotRecord?> LoadLatestAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        await _database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _loadSql;
        AddWindow(command, persistenceId, criteria);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return null;
        return new SnapshotRecord(
            new SnapshotMetadata(persistenceId, reader.GetInt64(0), SqlCommands.FromTicks(reader.GetInt64(1))),
            reader.GetInt32(2),
            reader.GetString(3),
            reader.GetFieldValue<byte[]>(4));
    }

    /// <inheritdoc />
    public async Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentException.ThrowIfNullOrEmpty(metadata.PersistenceId);
        await _database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _deleteOneSql;
        SqlCommands.Add(command, "@pid", metadata.PersistenceId);
        SqlCommands.Add(command, "@seq", metadata.SequenceNr);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        await _database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _deleteRangeSql;
        AddWindow(command, persistenceId, criteria);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddWindow(System.Data.Common.DbCommand command, string persistenceId, SnapshotSelectionCriteria criteria)
    {
        SqlCommands.Add(command, "@pid", persistenceId);
        SqlCommands.Add(command, "@maxSeq", criteria.MaxSequenceNr);
        SqlCommands.Add(command, "@minSeq", criteria.MinSequenceNr);
        SqlCommands.Add(command, "@maxTs", SqlCommands.ToTicks(criteria.MaxTimestamp));
        SqlCommands.Add(command, "@minTs", SqlCommands.ToTicks(criteria.MinTimestamp));
    }

    /// <summary>Nothing to release: connections are per call and the database belongs to the <see cref="PersistenceStore"/>.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
