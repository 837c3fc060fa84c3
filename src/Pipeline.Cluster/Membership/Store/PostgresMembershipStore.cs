using System.Data;
using System.Data.Common;
using Npgsql;

namespace Pipeline.Cluster.Membership.Store;

/// <summary>
/// Membership in PostgreSQL, the cluster default: every node's store points at the same database. Every change
/// sends a NOTIFY on <see cref="NotifyChannel"/> (payload: the cluster name) in its transaction, so that the
/// other nodes' agents (through <see cref="ListenAsync"/>) read it as soon as it commits.
/// </summary>
public sealed class PostgresMembershipStore : SqlMembershipStore, IMembershipChangeFeed, IAsyncDisposable
{
    /// <summary>The LISTEN/NOTIFY channel of membership changes (shared by the clusters of a database; the payload tells them apart).</summary>
    public const string NotifyChannel = "pipeline_membership";

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

    /// <inheritdoc />
    protected override async Task BeforeCommitAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT pg_notify('{NotifyChannel}', @cluster)";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "cluster";
        parameter.Value = Cluster;
        command.Parameters.Add(parameter);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ListenAsync(Action onChange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var cluster = Cluster;
        connection.Notification += (_, e) =>
        {
            if (e.Payload == cluster) onChange();
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {NotifyChannel}", connection))
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        onChange(); // whatever changed before the LISTEN took effect
        while (true) await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the pooled connections.</summary>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
