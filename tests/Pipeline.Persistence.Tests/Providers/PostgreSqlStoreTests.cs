using Npgsql;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Tests.Shared;
using Pipeline.Persistence.Tests.Support;

namespace Pipeline.Persistence.Tests.Providers;

/// <summary>The shared suite on PostgreSQL (PIPELINE_TEST_PG), one fresh schema per test.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlStoreTests : PersistenceStoreSpec
{
    private readonly string _schema = PostgresEnvironment.UniqueSchema("pst");

    protected override PersistenceSettings NewSettings() => new()
    {
        Provider = PersistenceProvider.PostgreSql,
        ConnectionString = PostgresEnvironment.ConnectionString,
        Schema = _schema,
    };

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = await PostgresEnvironment.OpenAdminConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override Task CleanupAsync() => ExecuteSqlAsync($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");

    protected override string Qualified(string table) => $"\"{_schema}\".\"{table}\"";

    [Fact]
    public async Task Live_tag_queries_are_woken_by_notify_before_the_polling_interval()
    {
        Settings.QueryPollingInterval = TimeSpan.FromSeconds(30);
        var store = await OpenStoreAsync();
        await store.Journal.WriteAsync(Events.Single("n-0", 1, "n"));
        var live = store.ReadJournal.EventsByTag("n", 0).TakeAsync(2, TimeSpan.FromSeconds(10));
        await Task.Delay(500);

        await using (var other = PersistenceFactory.Create(Settings))
            await other.Journal.WriteAsync(Events.Single("n-1", 1, "n"));

        var events = await live; // the other instance's NOTIFY wakes it; polling alone would take 30 s
        Assert.Equal(["n-0", "n-1"], events.Select(e => e.PersistenceId));
    }
}
