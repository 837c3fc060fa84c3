using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Tests.Support;
using Pipeline.TestKit;

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

    [Fact]
    public async Task A_running_actor_resumes_by_itself_after_the_database_restarts()
    {
        AllowActorFailures<Exception>();
        var probe = CreateTestProbe();
        var supervisor = Sys.ActorOf(Runtime.Patterns.BackoffSupervisor.Props(
            Runtime.Actors.Props.Create(() => new Counter("restart-1", probe.Ref)), "counter", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)));
        await probe.ExpectMsgAsync("recovered", TimeSpan.FromSeconds(20));
        TestActor.Send(supervisor, new Add(1));
        Assert.Equal(1, (await TestActor.ExpectMsgAsync<State>(TimeSpan.FromSeconds(20))).Total);

        await PostgresEnvironment.StopAsync();
        try
        {
            supervisor.Tell(new Add(1000)); // fails while the server is down: the actor stops and its supervisor restarts it
            await Task.Delay(1500);
        }
        finally
        {
            await PostgresEnvironment.StartAsync();
        }

        // Once the server is back, the actor recovers by itself and takes commands again.
        State? state = null;
        await AwaitHelpers.AwaitAssertAsync(async () =>
        {
            TestActor.Send(supervisor, new Add(1));
            state = await TestActor.FishForMessageAsync<State>(timeout: TimeSpan.FromSeconds(2));
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        // Every stored event is an Add(1): the write that failed while the server was down was never stored.
        Assert.True(state!.Total >= 2, $"total {state.Total}");
        Assert.Equal(state.LastSequenceNr, state.Total);
    }

    protected override async Task CleanupAsync()
    {
        await using var connection = await PostgresEnvironment.OpenAdminConnectionAsync();
        await using var command = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}
