using Microsoft.Extensions.Logging;
using Npgsql;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Journal;
using Pipeline.Persistence.Sql;

namespace Pipeline.Persistence.PostgreSql;

/// <summary>
/// The PostgreSQL journal. One writer per instance stores each batch as a single multi-row INSERT from unnest'ed
/// array parameters (journal rows and tag rows in one statement). Every batch transaction first takes a
/// transaction-scoped advisory lock, so ordering values become visible in commit order even with several nodes
/// writing: a live tag query can never skip an ordering that commits late. Each commit sends a NOTIFY that wakes
/// live queries. A batch holding a duplicate (persistence id, sequence nr) is retried write by write under
/// savepoints, so only the offending atomic write is rejected.
/// </summary>
public sealed class PostgreSqlJournal : SqlJournal
{
    private readonly PostgreSqlDatabase _postgres;
    private readonly WriteColumns _columns = new();
    private readonly CancellationTokenSource _stopListening = new();
    private NpgsqlConnection? _connection;
    private NpgsqlBatch? _fastBatch;
    private NpgsqlCommand? _lock;
    private NpgsqlCommand? _insertOne;
    private NpgsqlCommand? _notify;
    private Task? _listener;
    private int _listening;

    internal PostgreSqlJournal(PostgreSqlDatabase database, PersistenceSettings settings, ILogger logger)
        : base(database, settings, logger)
    {
        _postgres = database;
    }

    private string LockSql => $"SELECT pg_advisory_xact_lock({Database.Names.StableKey})";

    private string NotifySql => $"NOTIFY {_postgres.NotifyChannel}";

    private protected override async Task StoreBatchAsync(List<PendingWrite> batch, CancellationToken cancellationToken)
    {
        try
        {
            await Database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            var connection = _connection ?? await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
            if (!await TryStoreAllAsync(connection, batch, cancellationToken).ConfigureAwait(false))
                await StoreOneByOneAsync(connection, batch, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DropWriterAsync().ConfigureAwait(false);
            throw;
        }
        Changes.Signal();
    }

    /// <summary>The fast path: the whole batch in one statement; false when a duplicate made it fail (nothing stored).</summary>
    private async Task<bool> TryStoreAllAsync(NpgsqlConnection connection, List<PendingWrite> batch, CancellationToken cancellationToken)
    {
        _columns.Fill(batch);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _fastBatch!.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var pending in batch)
            pending.Outcome = WriteResult.Success;
        return true;
    }

    /// <summary>The slow path after a duplicate: each atomic write under its own savepoint, rejecting only the duplicates.</summary>
    private async Task StoreOneByOneAsync(NpgsqlConnection connection, List<PendingWrite> batch, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await _lock!.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        foreach (var pending in batch)
        {
            _columns.Fill(pending.Write);
            await transaction.SaveAsync("aw", cancellationToken).ConfigureAwait(false);
            try
            {
                await _insertOne!.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.ReleaseAsync("aw", cancellationToken).ConfigureAwait(false);
                pending.Outcome = WriteResult.Success;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await transaction.RollbackAsync("aw", cancellationToken).ConfigureAwait(false);
                pending.Outcome = WriteResult.Duplicate(pending.Write);
            }
        }
        await _notify!.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<NpgsqlConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = await _postgres.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var insertSql = WriteColumns.InsertSql(Database.Names);
            _fastBatch = new NpgsqlBatch(connection);
            _fastBatch.BatchCommands.Add(new NpgsqlBatchCommand(LockSql));
            var insert = new NpgsqlBatchCommand(insertSql);
            _columns.Bind(insert.Parameters);
            _fastBatch.BatchCommands.Add(insert);
            _fastBatch.BatchCommands.Add(new NpgsqlBatchCommand(NotifySql));
            _lock = new NpgsqlCommand(LockSql, connection);
            _insertOne = new NpgsqlCommand(insertSql, connection);
            _columns.Bind(_insertOne.Parameters);
            _notify = new NpgsqlCommand(NotifySql, connection);
            await _fastBatch.PrepareAsync(cancellationToken).ConfigureAwait(false);
            await _insertOne.PrepareAsync(cancellationToken).ConfigureAwait(false);
            await _lock.PrepareAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        _connection = connection;
        return connection;
    }

    private async ValueTask DropWriterAsync()
    {
        if (_fastBatch is not null)
            await _fastBatch.DisposeAsync().ConfigureAwait(false);
        _lock?.Dispose();
        _insertOne?.Dispose();
        _notify?.Dispose();
        _fastBatch = null;
        _lock = _insertOne = _notify = null;
        if (_connection is not null)
            await _connection.DisposeAsync().ConfigureAwait(false);
        _connection = null;
    }

    private protected override void OnLiveQueryStarted()
    {
        if (!Settings.UseListenNotify || Interlocked.Exchange(ref _listening, 1) != 0)
            return;
        _listener = Task.Run(() => ListenAsync(_stopListening.Token));
    }

    /// <summary>Holds a LISTEN connection and turns each NOTIFY into a wake-up; reconnects with backoff when it drops.</summary>
    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _postgres.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, _) => Changes.Signal();
                await using (var listen = new NpgsqlCommand($"LISTEN {_postgres.NotifyChannel}", connection))
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(100);
                Changes.Signal();
                while (true)
                    await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Logger.LogWarning(ex, "LISTEN connection for {Channel} lost; live queries fall back to polling, reconnecting in {Backoff}", _postgres.NotifyChannel, backoff);
                try
                {
                    await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private protected override async ValueTask DisposeProviderAsync()
    {
        await _stopListening.CancelAsync().ConfigureAwait(false);
        if (_listener is not null)
            await _listener.ConfigureAwait(false);
        _stopListening.Dispose();
        await DropWriterAsync().ConfigureAwait(false);
    }
}
