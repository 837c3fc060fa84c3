using Microsoft.Data.Sqlite;
using System.Diagnostics;
using Pipeline.Persistence.CircuitBreaker;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Journal;
using Pipeline.Persistence.Tests.Shared;
using Pipeline.Persistence.Tests.Support;

namespace Pipeline.Persistence.Tests.Providers;

/// <summary>The shared suite on SQLite, one temp database file per test.</summary>
public sealed class SqliteStoreTests : PersistenceStoreSpec, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-persistence-").FullName;

    private string File => Path.Combine(_directory, "journal.db");

    protected override PersistenceSettings NewSettings() => new()
    {
        Provider = PersistenceProvider.Sqlite,
        ConnectionString = $"Data Source={File}",
    };

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={File};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    protected override string Qualified(string table) => $"\"{table}\"";

    [Fact]
    public async Task The_database_file_is_in_wal_mode()
    {
        await using var connection = new SqliteConnection($"Data Source={File};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_write_blocked_by_another_process_lock_times_out_then_the_journal_recovers_when_the_lock_goes()
    {
        Settings.CircuitBreaker = new CircuitBreakerSettings
        {
            CallTimeout = TimeSpan.FromMilliseconds(500),
            ResetTimeout = TimeSpan.FromMilliseconds(100),
            MaxResetTimeout = TimeSpan.FromSeconds(1),
        };
        var store = await OpenStoreAsync();
        Assert.True((await store.Journal.WriteAsync(Events.Single("lock", 1))).IsSuccess);

        await using (var blocker = new SqliteConnection($"Data Source={File};Pooling=False"))
        {
            await blocker.OpenAsync();
            using var transaction = blocker.BeginTransaction(deferred: false); // holds SQLite's write lock, as another process would
            var stopwatch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<TimeoutException>(() => store.Journal.WriteAsync(Events.Single("lock", 2)));
            Assert.Contains("outcome is unknown", error.Message);
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"the caller must be released at the call timeout, took {stopwatch.Elapsed}");
            transaction.Rollback();
        }

        await Eventually.TrueAsync(async () =>
        {
            try
            {
                var result = await store.Journal.WriteAsync(Events.Single("lock", 3));
                return result.IsSuccess || result.Rejection == WriteRejectionKind.DuplicateSequenceNr;
            }
            catch (Exception ex) when (ex is TimeoutException or CircuitBreakerOpenException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "a write to succeed once the lock is released");
        var stored = (await store.Journal.ReplayAllAsync("lock").ToListAsync()).Select(e => e.SequenceNr).ToList();
        Assert.Contains(1L, stored);
        Assert.Contains(3L, stored);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a pooled handle may still be closing; the OS temp dir is cleaned eventually
        }
    }
}
