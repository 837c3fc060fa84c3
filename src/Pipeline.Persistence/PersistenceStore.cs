using Microsoft.Extensions.Logging;
using Pipeline.Persistence.CircuitBreaker;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Journal;
using Pipeline.Persistence.Query;
using Pipeline.Persistence.Snapshots;
using Pipeline.Persistence.Sql;

namespace Pipeline.Persistence;

/// <summary>
/// The journal, snapshot store and read journal of one configured database, made by <see cref="PersistenceFactory"/>.
/// The journal and snapshot store it hands out sit behind circuit breakers.
/// </summary>
public sealed class PersistenceStore : IAsyncDisposable
{
    private readonly SqlDatabase _database;
    private readonly SqlJournal _journal;
    private readonly SqlSnapshotStore _snapshots;
    private readonly PersistenceSettings _settings;
    private readonly ILogger _logger;

    internal PersistenceStore(SqlDatabase database, SqlJournal journal, PersistenceSettings settings, ILoggerFactory loggerFactory)
    {
        _database = database;
        _journal = journal;
        _settings = settings;
        _logger = loggerFactory.CreateLogger<PersistenceStore>();
        _snapshots = new SqlSnapshotStore(database);
        Journal = new CircuitBreakingJournal(journal, new JournalCircuitBreaker("journal", settings.CircuitBreaker, loggerFactory.CreateLogger<JournalCircuitBreaker>()));
        SnapshotStore = new CircuitBreakingSnapshotStore(_snapshots, new JournalCircuitBreaker("snapshot store", settings.CircuitBreaker, loggerFactory.CreateLogger<JournalCircuitBreaker>()));
    }

    /// <summary>The event journal, behind its circuit breaker.</summary>
    public CircuitBreakingJournal Journal { get; }

    /// <summary>The snapshot store, behind its own circuit breaker.</summary>
    public CircuitBreakingSnapshotStore SnapshotStore { get; }

    /// <summary>Persistence queries over the same journal.</summary>
    public IReadJournal ReadJournal => _journal;

    /// <summary>The journal without the breaker (for tools and benchmarks that want the raw provider).</summary>
    public SqlJournal UnprotectedJournal => _journal;

    /// <summary>
    /// Connects and creates/verifies the schema, retrying with exponential backoff (logged) while the database is
    /// unreachable, until it succeeds or <paramref name="cancellationToken"/> fires. A schema newer than this build is
    /// not retried: it throws <see cref="SchemaVersionException"/>.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var backoff = _settings.CircuitBreaker.ResetTimeout;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
                if (attempt > 1)
                    _logger.LogInformation("Persistence store {Provider} reachable after {Attempts} attempts", _settings.Provider, attempt);
                return;
            }
            catch (SchemaVersionException)
            {
                throw;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Persistence store {Provider} unreachable at start (attempt {Attempt}); retrying in {Backoff}", _settings.Provider, attempt, backoff);
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _settings.CircuitBreaker.MaxResetTimeout.Ticks));
            }
        }
    }

    /// <summary>Stores what is queued, then closes the writer and the connection pool.</summary>
    public async ValueTask DisposeAsync()
    {
        await _journal.DisposeAsync().ConfigureAwait(false);
        await _snapshots.DisposeAsync().ConfigureAwait(false);
        await _database.DisposeAsync().ConfigureAwait(false);
    }
}
