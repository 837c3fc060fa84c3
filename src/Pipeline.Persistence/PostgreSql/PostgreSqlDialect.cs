using Pipeline.Persistence.Sql;

namespace Pipeline.Persistence.PostgreSql;

/// <summary>PostgreSQL's DDL and locking for the persistence schema.</summary>
internal sealed class PostgreSqlDialect : SqlDialect
{
    public override IEnumerable<string> PreMigrationStatements(TableNames names) => [];

    /// <summary>An advisory lock serializes nodes that start at the same time; then the schema is created if missing.</summary>
    public override IEnumerable<string> MigrationPrologue(TableNames names)
    {
        yield return $"SELECT pg_advisory_xact_lock({names.StableKey ^ 0x5eed})";
        if (names.Schema is not null)
            yield return $"CREATE SCHEMA IF NOT EXISTS \"{names.Schema}\"";
    }

    /// <summary>LATERAL ... OFFSET 0 forces one primary-key lookup per tagged row (a nested loop) instead of a merge join that would scan every journal row in between.</summary>
    public override string TagPageSql(TableNames n) =>
        $"SELECT t.ordering, j.persistence_id, j.sequence_nr, j.timestamp, j.writer_id, j.serializer_id, j.manifest, j.payload, j.deleted " +
        $"FROM (SELECT ordering FROM {n.Tags} WHERE tag = @tag AND ordering > @offset AND ordering <= @upto ORDER BY ordering LIMIT @max) t " +
        $"CROSS JOIN LATERAL (SELECT * FROM {n.Journal} j WHERE j.ordering = t.ordering OFFSET 0) j ORDER BY t.ordering";

    public override IEnumerable<string> CreateSchemaV1(TableNames n) =>
    [
        $"CREATE TABLE IF NOT EXISTS {n.Journal} (" +
        "ordering BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, persistence_id TEXT NOT NULL, sequence_nr BIGINT NOT NULL, timestamp BIGINT NOT NULL, " +
        "writer_id TEXT NOT NULL, serializer_id INTEGER NOT NULL, manifest TEXT NOT NULL, payload BYTEA NOT NULL, deleted BOOLEAN NOT NULL DEFAULT FALSE, " +
        "UNIQUE (persistence_id, sequence_nr))",
        $"CREATE TABLE IF NOT EXISTS {n.Tags} (tag TEXT NOT NULL, ordering BIGINT NOT NULL, persistence_id TEXT NOT NULL, sequence_nr BIGINT NOT NULL, " +
        "PRIMARY KEY (tag, ordering))",
        $"CREATE TABLE IF NOT EXISTS {n.Snapshot} (persistence_id TEXT NOT NULL, sequence_nr BIGINT NOT NULL, timestamp BIGINT NOT NULL, " +
        "serializer_id INTEGER NOT NULL, manifest TEXT NOT NULL, payload BYTEA NOT NULL, PRIMARY KEY (persistence_id, sequence_nr))",
    ];
}
