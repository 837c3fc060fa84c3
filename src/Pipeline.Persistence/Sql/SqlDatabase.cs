using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace Pipeline.Persistence.Sql;

/// <summary>
/// One configured database: opens connections and creates/verifies the versioned schema once.
/// Shared by the journal and the snapshot store of a provider.
/// </summary>
internal abstract class SqlDatabase : IAsyncDisposable
{
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    protected SqlDatabase(SqlDialect dialect, TableNames names, ILogger logger)
    {
        Dialect = dialect;
        Names = names;
        Logger = logger;
    }

    public SqlDialect Dialect { get; }

    public TableNames Names { get; }

    public ILogger Logger { get; }

    /// <summary>Opens a connection for reads or small writes.</summary>
    public abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Creates the schema on first use, checks its version, and remembers success.</summary>
    public async ValueTask EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady)
            return;
        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
                return;
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var statement in Dialect.PreMigrationStatements(Names))
            await ExecuteAsync(connection, null, statement, cancellationToken).ConfigureAwait(false);

        await using var transaction = await Dialect.BeginMigrationAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var statement in Dialect.MigrationPrologue(Names))
            await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            $"CREATE TABLE IF NOT EXISTS {Names.SchemaVersion} (version INTEGER NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)",
            cancellationToken).ConfigureAwait(false);

        int found;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT COALESCE(MAX(version), 0) FROM {Names.SchemaVersion}";
            found = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (found > SqlDialect.CurrentSchemaVersion)
            throw new SchemaVersionException(Names.SchemaVersion, found, SqlDialect.CurrentSchemaVersion);

        if (found < 1)
        {
            foreach (var statement in Dialect.CreateSchemaV1(Names))
                await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO {Names.SchemaVersion} (version, applied_at) VALUES (1, @at)";
            SqlCommands.Add(insert, "@at", DateTimeOffset.UtcNow.UtcTicks);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Logger.LogInformation("Created persistence schema version {Version} ({Journal}, {Tags}, {Snapshot})", 1, Names.Journal, Names.Tags, Names.Snapshot);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public virtual ValueTask DisposeAsync()
    {
        _schemaGate.Dispose();
        return ValueTask.CompletedTask;
    }
}
