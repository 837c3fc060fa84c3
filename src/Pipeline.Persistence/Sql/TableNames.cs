namespace Pipeline.Persistence.Sql;

/// <summary>
/// The (validated) table names one journal instance uses, quoted and schema-qualified for SQL text.
/// Kept in one place so a test class or a tenant can get its own isolated tables.
/// </summary>
internal sealed class TableNames
{
    public TableNames(string? schema, string journal, string tags, string snapshot, string schemaVersion)
    {
        Schema = schema;
        JournalRaw = journal;
        Journal = Qualify(schema, journal);
        Tags = Qualify(schema, tags);
        TagsRaw = tags;
        Snapshot = Qualify(schema, snapshot);
        SchemaVersion = Qualify(schema, schemaVersion);
    }

    /// <summary>PostgreSQL schema, or null for the default one (always null on SQLite).</summary>
    public string? Schema { get; }

    public string Journal { get; }

    public string JournalRaw { get; }

    public string Tags { get; }

    public string TagsRaw { get; }

    public string Snapshot { get; }

    public string SchemaVersion { get; }

    /// <summary>A stable 64-bit key of these tables, for advisory locks and notification channels.</summary>
    public long StableKey
    {
        get
        {
            var text = (Schema ?? "") + "." + JournalRaw;
            ulong hash = 14695981039346656037UL;
            foreach (var c in text)
            {
                hash ^= c;
                hash *= 1099511628211UL;
            }
            return (long)hash;
        }
    }

    private static string Qualify(string? schema, string table) =>
        schema is null ? $"\"{table}\"" : $"\"{schema}\".\"{table}\"";
}
