using System.Data.Common;
using Microsoft.Data.Sqlite;
using Pipeline.Persistence.Sql;

namespace Pipeline.Persistence.Sqlite;

/// <summary>SQLite's DDL and locking for the persistence schema.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    public override IEnumerable<string> PreMigrationStatements(TableNames names) => ["PRAGMA journal_mode=WAL"];

    public override IEnumerable<string> MigrationPrologue(TableNames names) => [];

    public override IEnumerable<string> CreateSchemaV1(TableNames n) =>
    [
        $"CREATE TABLE IF NOT EXISTS {n.Journal} (" +
        "ordering INTEGER PRIMARY KEY AUTOINCREMENT, persistence_id TEXT NOT NULL, sequence_nr INTEGER NOT NULL, timestamp INTEGER NOT NULL, " +
        "writer_id TEXT NOT NULL, serializer_id INTEGER NOT NULL, manifest TEXT NOT NULL, payload BLOB NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, " +
        "UNIQUE (persistence_id, sequence_nr))",
        $"CREATE TABLE IF NOT EXISTS {n.Tags} (tag TEXT NOT NULL, ordering INTEGER NOT NULL, persistence_id TEXT NOT NULL, sequence_nr INTEGER NOT NULL, " +
        "PRIMARY KEY (tag, ordering)) WITHOUT ROWID",
        $"CREATE TABLE IF NOT EXISTS {n.Snapshot} (persistence_id TEXT NOT NULL, sequence_nr INTEGER NOT NULL, timestamp INTEGER NOT NULL, " +
        "serializer_id INTEGER NOT NULL, manifest TEXT NOT NULL, payload BLOB NOT NULL, PRIMARY KEY (persistence_id, sequence_nr))",
    ];

    /// <summary>BEGIN IMMEDIATE: takes the write lock up front so two processes cannot both create the schema.</summary>
    public override ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
}
