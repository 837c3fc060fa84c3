using Microsoft.Extensions.Logging;
using Npgsql;
using Pipeline.Persistence.CircuitBreaker;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Journal;
using Pipeline.Persistence.Tests.Support;

namespace Pipeline.Persistence.Tests.Faults;

/// <summary>
/// Stops and starts the real PostgreSQL server (PG_DIR / PG_PORT from scripts/lib/postgres.sh) under a running
/// writer: writes must resume by themselves through the circuit breaker, with nothing acknowledged lost.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlRestartTests : IAsyncLifetime
{
    private readonly string _schema = PostgresEnvironment.UniqueSchema("restart");
    private readonly CollectingLoggerFactory _logs = new();

    private PersistenceSettings Settings => new()
    {
        Provider = PersistenceProvider.PostgreSql,
        ConnectionString = PostgresEnvironment.ConnectionString,
        Schema = _schema,
        CircuitBreaker = new CircuitBreakerSettings
        {
            MaxFailures = 3,
            CallTimeout = TimeSpan.FromSeconds(5),
            ResetTimeout = TimeSpan.FromMilliseconds(200),
            MaxResetTimeout = TimeSpan.FromSeconds(1),
        },
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await EnsureServerUpAsync();
        await using var connection = await PostgresEnvironment.OpenAdminConnectionAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Writes_resume_by_themselves_after_the_server_restarts_under_a_running_writer()
    {
        await using var store = PersistenceFactory.Create(Settings, _logs);
        await store.StartAsync();
        var acknowledged = new List<long>();
        var sawOpenBreaker = false;
        var failures = 0;
        using var stopWriter = new CancellationTokenSource();

        // The "actor": persists 1, 2, 3 ... retrying the same event after a failure, as a restarted actor would.
        var writer = Task.Run(async () =>
        {
            var seq = 1L;
            while (!stopWriter.IsCancellationRequested)
            {
                try
                {
                    var result = await store.Journal.WriteAsync(Events.Single("restart", seq, "r"));
                    // a write whose commit we did not see may already be stored: the retry is then a duplicate
                    if (!result.IsSuccess && result.Rejection != WriteRejectionKind.DuplicateSequenceNr)
                        throw new InvalidOperationException(result.Message);
                    lock (acknowledged)
                        acknowledged.Add(seq);
                    seq++;
                }
                catch (CircuitBreakerOpenException)
                {
                    sawOpenBreaker = true;
                    Interlocked.Increment(ref failures);
                    await Task.Delay(20);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or ObjectDisposedException)
                {
                    Interlocked.Increment(ref failures);
                    await Task.Delay(20);
                }
            }
        });

        int Count()
        {
            lock (acknowledged)
                return acknowledged.Count;
        }

        await Eventually.TrueAsync(() => Task.FromResult(Count() >= 50), TimeSpan.FromSeconds(20), "50 writes before the restart");
        await PostgresEnvironment.StopAsync();
        var atStop = Count();
        await Eventually.TrueAsync(() => Task.FromResult(sawOpenBreaker), TimeSpan.FromSeconds(20), "the breaker to open while the server is down");
        await PostgresEnvironment.StartAsync();

        await Eventually.TrueAsync(() => Task.FromResult(Count() >= atStop + 50), TimeSpan.FromSeconds(30), "writes to resume after the restart");
        await stopWriter.CancelAsync();
        await writer;

        Assert.True(failures > 0, "the writer must have seen the outage");
        Assert.Equal(CircuitBreakerState.Closed, store.Journal.Breaker.State);
        Assert.True(_logs.Contains(LogLevel.Warning, "circuit breaker opened"));
        Assert.True(_logs.Contains(LogLevel.Information, "closed again"));
        var stored = (await store.Journal.ReplayAllAsync("restart").ToListAsync()).Select(e => e.SequenceNr).ToList();
        long[] acked;
        lock (acknowledged)
            acked = acknowledged.ToArray();
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored); // no gaps, no duplicates
        Assert.Subset(stored.ToHashSet(), acked.ToHashSet()); // nothing acknowledged is lost
    }

    [Fact]
    public async Task A_store_started_while_the_server_is_down_retries_with_logged_backoff_and_works_once_it_is_up()
    {
        await PostgresEnvironment.StopAsync();
        await using var store = PersistenceFactory.Create(Settings, _logs);
        var start = store.StartAsync();

        await Eventually.TrueAsync(() => Task.FromResult(_logs.Entries.Count(e => e.Message.Contains("unreachable at start")) >= 2), TimeSpan.FromSeconds(20), "two logged start retries");
        Assert.False(start.IsCompleted);
        await PostgresEnvironment.StartAsync();
        await start.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True((await store.Journal.WriteAsync(Events.Single("late", 1))).IsSuccess);
        Assert.Equal(1, await store.Journal.ReadHighestSequenceNrAsync("late"));
    }

    [Fact]
    public async Task A_live_tag_query_survives_a_server_restart_without_skipping_or_repeating_events()
    {
        await using var store = PersistenceFactory.Create(Settings, _logs);
        await store.StartAsync();
        for (var s = 1; s <= 5; s++)
            await store.Journal.WriteAsync(Events.Single("live-restart", s, "lr"));
        var live = store.ReadJournal.EventsByTag("lr", 0).TakeAsync(10, TimeSpan.FromSeconds(60));

        await Eventually.TrueAsync(async () => (await store.ReadJournal.CurrentEventsByTag("lr", 0).ToListAsync()).Count == 5, TimeSpan.FromSeconds(10), "the first events");
        await PostgresEnvironment.StopAsync();
        await Eventually.TrueAsync(() => Task.FromResult(_logs.Contains(LogLevel.Warning, "live persistence query failed")), TimeSpan.FromSeconds(20), "the live query to notice the outage");
        await PostgresEnvironment.StartAsync();

        for (var s = 6; s <= 10; s++)
        {
            var written = false;
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    var result = await store.Journal.WriteAsync(Events.Single("live-restart", s, "lr"));
                    written = result.IsSuccess || result.Rejection == WriteRejectionKind.DuplicateSequenceNr;
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or CircuitBreakerOpenException)
                {
                    written = false;
                }
                return written;
            }, TimeSpan.FromSeconds(30), $"write {s} after the restart");
        }

        var events = await live;
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), events.Select(e => e.SequenceNr));
    }

    private static async Task EnsureServerUpAsync()
    {
        try
        {
            await using var connection = await PostgresEnvironment.OpenAdminConnectionAsync();
        }
        catch (NpgsqlException)
        {
            await PostgresEnvironment.StartAsync();
        }
    }
}
