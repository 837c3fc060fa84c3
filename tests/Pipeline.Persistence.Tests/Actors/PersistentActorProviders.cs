using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Tests.Support;

namespace Pipeline.Persistence.Tests.Actors;

/// <summary>Persistent actors on SQLite (one temp file per test).</summary>
public sealed class SqlitePersistentActorTests : PersistentActorSpec
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-pa-").FullName;

    protected override PersistenceSettings NewSettings() => new()
    {
        Provider = PersistenceProvider.Sqlite,
        ConnectionString = $"Data Source={Path.Combine(_directory, "journal.db")}",
    };

    protected override Task CleanupAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a pooled handle may still be closing
        }
        return Task.CompletedTask;
    }
}

/// <summary>Persistent actors on PostgreSQL (PIPELINE_TEST_PG), one fresh schema per test.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlPersistentActorTests : PersistentActorSpec
{
    private readonly string _schema = PostgresEnvironment.UniqueSchema("pa");

    protected override PersistenceSettings NewSettings() => new()
    {
        Provider = PersistenceProvider.PostgreSql,
        ConnectionString = PostgresEnvironment.ConnectionString,
        Schema = _schema,
    };

    protected override async Task CleanupAsync()
    {
        await using var connection = await PostgresEnvironment.OpenAdminConnectionAsync();
        await using var command = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}
