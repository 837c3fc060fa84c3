using Microsoft.Data.Sqlite;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Journal;
using Pipeline.Persistence.Tests.Support;

namespace Pipeline.Persistence.Tests.Faults;

/// <summary>
/// A child process persists a numbered stream and is killed with SIGKILL mid-way. Every acknowledged event must be
/// in the journal, the journal must hold 1..N without gaps or duplicates, and a restarted child carries on from N.
/// </summary>
public abstract class CrashTestsBase
{
    protected abstract PersistenceSettings Settings { get; }

    protected abstract string[] HostArguments(string persistenceId, int count);

    [Fact]
    public async Task Nothing_acknowledged_is_lost_when_the_writer_is_killed_and_a_restart_continues_without_gaps()
    {
        const string id = "crash-stream";
        using (var host = CrashHostProcess.Start(HostArguments(id, 1_000_000)))
        {
            Assert.Equal(0, await host.Recovered.WaitAsync(TimeSpan.FromSeconds(60)));
            await Eventually.TrueAsync(() => Task.FromResult(host.Acknowledged.Length >= 1500), TimeSpan.FromSeconds(60), "1500 acknowledged writes " + host.Errors);
            await host.KillAsync();
            Assert.False(host.Done, "the host must be killed mid-stream");
            await CheckJournalAsync(id, host.Acknowledged);
        }

        long highest;
        await using (var store = PersistenceFactory.Create(Settings))
            highest = await store.Journal.ReadHighestSequenceNrAsync(id);

        using (var restarted = CrashHostProcess.Start(HostArguments(id, 200)))
        {
            Assert.Equal(highest, await restarted.Recovered.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Equal(0, await restarted.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.True(restarted.Done, restarted.Errors);
            Assert.Equal(Enumerable.Range((int)highest + 1, 200).Select(i => (long)i), restarted.Acknowledged);
        }
        await CheckJournalAsync(id, []);
        await using (var store = PersistenceFactory.Create(Settings))
            Assert.Equal(highest + 200, await store.Journal.ReadHighestSequenceNrAsync(id));
    }

    [Fact]
    public async Task A_persistent_actor_killed_mid_stream_recovers_every_acknowledged_event()
    {
        const string id = "actor-stream";
        long[] acknowledged;
        using (var host = CrashHostProcess.Start(["actor", .. HostArguments(id, 1_000_000)]))
        {
            Assert.Equal((0L, 0L), await host.State.WaitAsync(TimeSpan.FromSeconds(60)));
            await Eventually.TrueAsync(() => Task.FromResult(host.Acknowledged.Length >= 1500), TimeSpan.FromSeconds(60), "1500 acknowledged events " + host.Errors);
            await host.KillAsync();
            Assert.False(host.Done, "the host must be killed mid-stream");
            acknowledged = host.Acknowledged;
        }
        Assert.Equal(Enumerable.Range(1, acknowledged.Length).Select(i => (long)i), acknowledged);

        using var restarted = CrashHostProcess.Start(["actor", .. HostArguments(id, 0)]);
        var (events, highest) = await restarted.State.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, await restarted.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        // The actor checks the recovered stream has no gap; here: nothing acknowledged is lost, and at most the
        // 64 events in flight when the process died were stored without their acknowledgement being printed.
        Assert.Equal(highest, events);
        Assert.InRange(highest, acknowledged.Length, acknowledged.Length + 64);
        await using var store = PersistenceFactory.Create(Settings);
        var stored = await store.Journal.ReplayAllAsync(id).ToListAsync();
        Assert.Equal(Enumerable.Range(1, (int)highest).Select(i => (long)i), stored.Select(e => e.SequenceNr));
    }

    private async Task CheckJournalAsync(string id, long[] acknowledged)
    {
        await using var store = PersistenceFactory.Create(Settings);
        var stored = await store.Journal.ReplayAllAsync(id).ToListAsync();
        var seqs = stored.Select(e => e.SequenceNr).ToList();

        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs); // contiguous 1..N: no gaps, no duplicates
        Assert.All(stored, e => Assert.Equal($"event {e.SequenceNr}", Events.Text(e.Payload)));
        var missing = acknowledged.Except(seqs).ToList();
        Assert.True(missing.Count == 0, $"acknowledged but lost: {string.Join(",", missing.Take(20))}");
        Assert.True(seqs.Count >= acknowledged.Length);
        var tagged = await store.ReadJournal.CurrentEventsByTag("crash", 0).ToListAsync();
        Assert.Equal(seqs, tagged.Select(e => e.SequenceNr));
    }
}

public sealed class SqliteCrashTests : CrashTestsBase, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-crash-").FullName;

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "crash.db")}";

    protected override PersistenceSettings Settings => new() { Provider = PersistenceProvider.Sqlite, ConnectionString = ConnectionString };

    protected override string[] HostArguments(string persistenceId, int count) =>
        ["Sqlite", ConnectionString, persistenceId, count.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlCrashTests : CrashTestsBase, IAsyncLifetime
{
    private readonly string _schema = PostgresEnvironment.UniqueSchema("crash");

    protected override PersistenceSettings Settings => new()
    {
        Provider = PersistenceProvider.PostgreSql,
        ConnectionString = PostgresEnvironment.ConnectionString,
        Schema = _schema,
    };

    protected override string[] HostArguments(string persistenceId, int count) =>
        ["PostgreSql", PostgresEnvironment.ConnectionString, persistenceId, count.ToString(System.Globalization.CultureInfo.InvariantCulture), _schema];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await using var connection = await PostgresEnvironment.OpenAdminConnectionAsync();
        await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
