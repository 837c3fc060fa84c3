using System.Data.Common;

namespace Pipeline.Persistence.Sql;

/// <summary>What differs between the SQL databases we support; everything else is shared SQL.</summary>
internal abstract class SqlDialect
{
    /// <summary>The schema version this build creates and understands.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Statements run outside any transaction before migrating (e.g. SQLite's journal mode).</summary>
    public abstract IEnumerable<string> PreMigrationStatements(TableNames names);

    /// <summary>Statements run first inside the migration transaction (locks, schema creation).</summary>
    public abstract IEnumerable<string> MigrationPrologue(TableNames names);

    /// <summary>DDL creating version 1 of the schema.</summary>
    public abstract IEnumerable<string> CreateSchemaV1(TableNames names);

    /// <summary>
    /// One page of a tag query: the page's orderings come from the (tag, ordering) index first, then only those
    /// journal rows are looked up, so a page costs the same however large the journal is.
    /// Columns: ordering, persistence_id, sequence_nr, timestamp, writer_id, serializer_id, manifest, payload, deleted.
    /// </summary>
    public virtual string TagPageSql(TableNames n) =>
        $"SELECT t.ordering, j.persistence_id, j.sequence_nr, j.timestamp, j.writer_id, j.serializer_id, j.manifest, j.payload, j.deleted " +
        $"FROM (SELECT ordering FROM {n.Tags} WHERE tag = @tag AND ordering > @offset AND ordering <= @upto ORDER BY ordering LIMIT @max) t " +
        $"JOIN {n.Journal} j ON j.ordering = t.ordering WHERE j.ordering > @offset ORDER BY t.ordering";

    /// <summary>Starts the migration transaction in the way that locks writers out.</summary>
    public virtual ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.BeginTransactionAsync(cancellationToken);
}
