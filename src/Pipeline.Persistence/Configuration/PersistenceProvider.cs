namespace Pipeline.Persistence.Configuration;

/// <summary>Which database stores the journal and snapshots.</summary>
public enum PersistenceProvider
{
    /// <summary>SQLite, one file in WAL mode: the embedded default for a single node.</summary>
    Sqlite = 0,

    /// <summary>PostgreSQL through Npgsql: the store for a cluster.</summary>
    PostgreSql = 1,
}
