namespace Pipeline.Persistence.Configuration;

/// <summary>
/// Everything the persistence layer needs from the host's configuration (section "Pipeline:Persistence").
/// Build it with <see cref="PersistenceSettingsReader.Read"/> so that a wrong value fails at start with its key.
/// </summary>
public sealed class PersistenceSettings
{
    /// <summary>The configuration section these settings live in.</summary>
    public const string SectionName = "Pipeline:Persistence";

    /// <summary>Which database to use.</summary>
    public PersistenceProvider Provider { get; set; } = PersistenceProvider.Sqlite;

    /// <summary>ADO.NET connection string: "Data Source=path.db" for SQLite, an Npgsql string for PostgreSQL.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>PostgreSQL schema holding the tables (created if missing); null for the connection's default. Ignored on SQLite.</summary>
    public string? Schema { get; set; }

    /// <summary>Name of the event journal table.</summary>
    public string JournalTable { get; set; } = "journal";

    /// <summary>Name of the tag index table.</summary>
    public string TagTable { get; set; } = "journal_tags";

    /// <summary>Name of the snapshot table.</summary>
    public string SnapshotTable { get; set; } = "snapshot";

    /// <summary>Name of the table recording the schema version.</summary>
    public string SchemaVersionTable { get; set; } = "persistence_schema_version";

    /// <summary>Most events the single writer stores in one transaction.</summary>
    public int MaxBatchSize { get; set; } = 4000;

    /// <summary>Most atomic writes queued for the writer before callers wait (backpressure).</summary>
    public int WriteQueueCapacity { get; set; } = 20000;

    /// <summary>Rows fetched per query page by the persistence queries.</summary>
    public int QueryBatchSize { get; set; } = 4000;

    /// <summary>How often live queries poll for new events when nothing woke them earlier.</summary>
    public TimeSpan QueryPollingInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>PostgreSQL only: wake live queries through LISTEN/NOTIFY after each committed batch.</summary>
    public bool UseListenNotify { get; set; } = true;

    /// <summary>How the journal reacts to a failing database.</summary>
    public CircuitBreakerSettings CircuitBreaker { get; set; } = new();
}
