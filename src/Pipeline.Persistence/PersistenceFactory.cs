using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.PostgreSql;
using Pipeline.Persistence.Sql;
using Pipeline.Persistence.Sqlite;

namespace Pipeline.Persistence;

/// <summary>Makes the journal, snapshot store and read journal of the configured provider.</summary>
public static class PersistenceFactory
{
    /// <summary>Reads and validates section "Pipeline:Persistence", then creates the store.</summary>
    /// <exception cref="PersistenceConfigurationException">A setting is missing or wrong.</exception>
    public static PersistenceStore Create(IConfiguration configuration, ILoggerFactory? loggerFactory = null) =>
        Create(PersistenceSettingsReader.Read(configuration), loggerFactory);

    /// <summary>Validates the settings and creates the store (nothing connects until first use or StartAsync).</summary>
    /// <exception cref="PersistenceConfigurationException">A setting is missing or wrong.</exception>
    public static PersistenceStore Create(PersistenceSettings settings, ILoggerFactory? loggerFactory = null)
    {
        PersistenceSettingsReader.Validate(settings);
        loggerFactory ??= NullLoggerFactory.Instance;
        var journalLogger = loggerFactory.CreateLogger<SqlJournal>();
        switch (settings.Provider)
        {
            case PersistenceProvider.Sqlite:
            {
                var names = new TableNames(null, settings.JournalTable, settings.TagTable, settings.SnapshotTable, settings.SchemaVersionTable);
                var database = new SqliteDatabase(settings.ConnectionString, names, loggerFactory.CreateLogger<SqliteDatabase>());
                return new PersistenceStore(database, new SqliteJournal(database, settings, journalLogger), settings, loggerFactory);
            }
            case PersistenceProvider.PostgreSql:
            {
                var names = new TableNames(settings.Schema, settings.JournalTable, settings.TagTable, settings.SnapshotTable, settings.SchemaVersionTable);
                var database = new PostgreSqlDatabase(settings.ConnectionString, names, loggerFactory.CreateLogger<PostgreSqlDatabase>());
                return new PersistenceStore(database, new PostgreSqlJournal(database, settings, journalLogger), settings, loggerFactory);
            }
            default:
                throw new PersistenceConfigurationException(PersistenceSettings.SectionName + ":Provider", $"{PersistenceSettings.SectionName}:Provider is '{settings.Provider}': set it to Sqlite or PostgreSql.");
        }
    }
}
