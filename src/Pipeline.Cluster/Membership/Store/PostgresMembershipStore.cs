using System.Data;
using System.Data.Common;
using Npgsql;

namespace Pipeline.Cluster.Membership.Store;

/// <summary>Membership in PostgreSQL, the cluster default: every node's store points at the same database.</summary>
public sealed class PostgresMembershipStore : SqlMembershipStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the store from an Npgsql connection string.</summary>
    public PostgresMembershipStore(string connectionString, string cluster) : base(cluster)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new ArgumentException("The PostgreSQL membership connection string is empty (e.g. Host=...;Username=...;Database=...).", nameof(connectionString));
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>Repeatable read: version and rows from one snapshot.</summary>
    protected override async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT pg_advisory_xact_lock(7268010431)";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the pooled connections.</summary>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
