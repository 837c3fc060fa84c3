using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Pipeline.Persistence.Configuration;

/// <summary>
/// Reads <see cref="PersistenceSettings"/> from the host's configuration (section "Pipeline:Persistence") and
/// validates them, so a bad setting fails at start with its key and the fix instead of at the first write.
/// </summary>
public static partial class PersistenceSettingsReader
{
    private const string Prefix = PersistenceSettings.SectionName + ":";

    /// <summary>Reads and validates the settings.</summary>
    /// <exception cref="PersistenceConfigurationException">A setting is missing or wrong.</exception>
    public static PersistenceSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(PersistenceSettings.SectionName);
        var settings = new PersistenceSettings();

        var provider = section["Provider"];
        if (!string.IsNullOrWhiteSpace(provider))
        {
            if (!Enum.TryParse<PersistenceProvider>(provider.Trim(), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                throw new PersistenceConfigurationException(Prefix + "Provider", $"{Prefix}Provider is '{provider}', which is not a provider: set it to Sqlite or PostgreSql.");
            settings.Provider = parsed;
        }
        settings.ConnectionString = section["ConnectionString"] ?? "";
        settings.Schema = string.IsNullOrWhiteSpace(section["Schema"]) ? null : section["Schema"]!.Trim();
        settings.JournalTable = section["JournalTable"] ?? settings.JournalTable;
        settings.TagTable = section["TagTable"] ?? settings.TagTable;
        settings.SnapshotTable = section["SnapshotTable"] ?? settings.SnapshotTable;
        settings.SchemaVersionTable = section["SchemaVersionTable"] ?? settings.SchemaVersionTable;
        settings.MaxBatchSize = ReadInt(section["MaxBatchSize"], "MaxBatchSize", settings.MaxBatchSize);
        settings.WriteQueueCapacity = ReadInt(section["WriteQueueCapacity"], "WriteQueueCapacity", settings.WriteQueueCapacity);
        settings.QueryBatchSize = ReadInt(section["QueryBatchSize"], "QueryBatchSize", settings.QueryBatchSize);
        settings.QueryPollingInterval = ReadTimeSpan(section["QueryPollingInterval"], "QueryPollingInterval", settings.QueryPollingInterval);
        settings.UseListenNotify = ReadBool(section["UseListenNotify"], "UseListenNotify", settings.UseListenNotify);
        var breaker = section.GetSection("CircuitBreaker");
        settings.CircuitBreaker.MaxFailures = ReadInt(breaker["MaxFailures"], "CircuitBreaker:MaxFailures", settings.CircuitBreaker.MaxFailures);
        settings.CircuitBreaker.CallTimeout = ReadTimeSpan(breaker["CallTimeout"], "CircuitBreaker:CallTimeout", settings.CircuitBreaker.CallTimeout);
        settings.CircuitBreaker.ResetTimeout = ReadTimeSpan(breaker["ResetTimeout"], "CircuitBreaker:ResetTimeout", settings.CircuitBreaker.ResetTimeout);
        settings.CircuitBreaker.MaxResetTimeout = ReadTimeSpan(breaker["MaxResetTimeout"], "CircuitBreaker:MaxResetTimeout", settings.CircuitBreaker.MaxResetTimeout);
        Validate(settings);
        return settings;
    }

    /// <summary>Checks settings built in code the same way as configured ones.</summary>
    /// <exception cref="PersistenceConfigurationException">A setting is missing or wrong.</exception>
    public static void Validate(PersistenceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!Enum.IsDefined(settings.Provider))
            throw new PersistenceConfigurationException(Prefix + "Provider", $"{Prefix}Provider is '{settings.Provider}', which is not a provider: set it to Sqlite or PostgreSql.");
        ValidateConnectionString(settings);
        if (settings.Schema is not null)
            ValidateIdentifier(settings.Schema, "Schema");
        ValidateIdentifier(settings.JournalTable, "JournalTable");
        ValidateIdentifier(settings.TagTable, "TagTable");
        ValidateIdentifier(settings.SnapshotTable, "SnapshotTable");
        ValidateIdentifier(settings.SchemaVersionTable, "SchemaVersionTable");
        var tables = new[] { settings.JournalTable, settings.TagTable, settings.SnapshotTable, settings.SchemaVersionTable };
        if (tables.Distinct(StringComparer.OrdinalIgnoreCase).Count() != tables.Length)
            throw new PersistenceConfigurationException(Prefix + "JournalTable", $"{Prefix}JournalTable, TagTable, SnapshotTable and SchemaVersionTable must be four different names; got {string.Join(", ", tables)}.");
        Positive(settings.MaxBatchSize, "MaxBatchSize", "the most events stored in one transaction, e.g. 4000");
        Positive(settings.WriteQueueCapacity, "WriteQueueCapacity", "the most writes queued before callers wait, e.g. 20000");
        Positive(settings.QueryBatchSize, "QueryBatchSize", "the rows fetched per query page, e.g. 4000");
        PositiveTime(settings.QueryPollingInterval, "QueryPollingInterval");
        var breaker = settings.CircuitBreaker ?? throw new PersistenceConfigurationException(Prefix + "CircuitBreaker", $"{Prefix}CircuitBreaker must not be null.");
        Positive(breaker.MaxFailures, "CircuitBreaker:MaxFailures", "the consecutive failures that open the breaker, e.g. 5");
        PositiveTime(breaker.CallTimeout, "CircuitBreaker:CallTimeout");
        PositiveTime(breaker.ResetTimeout, "CircuitBreaker:ResetTimeout");
        PositiveTime(breaker.MaxResetTimeout, "CircuitBreaker:MaxResetTimeout");
        if (breaker.MaxResetTimeout < breaker.ResetTimeout)
            throw new PersistenceConfigurationException(Prefix + "CircuitBreaker:MaxResetTimeout", $"{Prefix}CircuitBreaker:MaxResetTimeout ({breaker.MaxResetTimeout}) is shorter than ResetTimeout ({breaker.ResetTimeout}): set it to at least ResetTimeout.");
    }

    private static void ValidateConnectionString(PersistenceSettings settings)
    {
        const string key = Prefix + "ConnectionString";
        var example = settings.Provider == PersistenceProvider.Sqlite
            ? "\"Data Source=/var/lib/pipeline/journal.db\""
            : "\"Host=127.0.0.1;Port=5432;Username=pipeline;Password=...;Database=pipeline\"";
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
            throw new PersistenceConfigurationException(key, $"{key} is missing: set it to an ADO.NET connection string for {settings.Provider}, e.g. {example}.");
        try
        {
            if (settings.Provider == PersistenceProvider.Sqlite)
            {
                var builder = new SqliteConnectionStringBuilder(settings.ConnectionString);
                if (string.IsNullOrWhiteSpace(builder.DataSource))
                    throw new PersistenceConfigurationException(key, $"{key} has no Data Source: name the database file, e.g. {example}.");
            }
            else
            {
                var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
                if (string.IsNullOrWhiteSpace(builder.Host))
                    throw new PersistenceConfigurationException(key, $"{key} has no Host: name the PostgreSQL server, e.g. {example}.");
            }
        }
        catch (ArgumentException ex)
        {
            throw new PersistenceConfigurationException(key, $"{key} is not a valid {settings.Provider} connection string ({ex.Message}): set it like {example}.");
        }
    }

    private static void ValidateIdentifier(string? value, string name)
    {
        if (string.IsNullOrEmpty(value) || !IdentifierPattern().IsMatch(value))
            throw new PersistenceConfigurationException(Prefix + name, $"{Prefix}{name} is '{value}': set it to a plain SQL identifier (a letter or _ followed by up to 62 letters, digits or _).");
    }

    private static void Positive(int value, string name, string meaning)
    {
        if (value <= 0)
            throw new PersistenceConfigurationException(Prefix + name, $"{Prefix}{name} is {value}: set it to a positive integer ({meaning}).");
    }

    private static void PositiveTime(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
            throw new PersistenceConfigurationException(Prefix + name, $"{Prefix}{name} is {value}: set it to a positive duration like \"00:00:01\" (hh:mm:ss).");
    }

    private static int ReadInt(string? text, string name, int fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw new PersistenceConfigurationException(Prefix + name, $"{Prefix}{name} is '{text}', which is not an integer: set it to a positive whole number.");
        return value;
    }

    private static TimeSpan ReadTimeSpan(string? text, string name, TimeSpan fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (!TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var value))
            throw new PersistenceConfigurationException(Prefix + name, $"{Prefix}{name} is '{text}', which is not a duration: set it like \"00:00:00.500\" (hh:mm:ss.fff).");
        return value;
    }

    private static bool ReadBool(string? text, string name, bool fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (!bool.TryParse(text.Trim(), out var value))
            throw new PersistenceConfigurationException(Prefix + name, $"{Prefix}{name} is '{text}': set it to true or false.");
        return value;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}
