using System.Data;
using System.Data.Common;
using System.Globalization;
using Pipeline.Cluster.Addressing;

namespace Pipeline.Cluster.Membership.Store;

/// <summary>
/// The SQL membership table shared by the PostgreSQL and SQLite providers (plain ADO.NET). The compare-and-swap
/// is one statement, <c>UPDATE version SET version = version + 1 WHERE version = @expected</c>, run first in the
/// transaction that makes the change: it takes the write lock, and zero rows means someone changed the table.
/// </summary>
public abstract class SqlMembershipStore : IMembershipStore
{
    /// <summary>
    /// Schema version this code writes; the store refuses a newer schema. Version 2 added <c>previous_status</c>
    /// (the status before the last change, so that a reader who missed the Down or Exiting step still knows it).
    /// </summary>
    public const int SchemaVersion = 2;

    private readonly string _cluster;

    /// <summary>Creates the store for one cluster (several clusters may share a database).</summary>
    protected SqlMembershipStore(string cluster)
    {
        if (string.IsNullOrWhiteSpace(cluster)) throw new ArgumentException("The cluster (system) name of the membership store is empty.", nameof(cluster));
        _cluster = cluster;
    }

    /// <summary>The cluster (system) name whose rows this store reads and writes.</summary>
    protected string Cluster => _cluster;

    /// <summary>Runs last in the transaction of every successful compare-and-swap (PostgreSQL announces the change there).</summary>
    protected virtual Task BeforeCommitAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Opens a connection to the database.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Starts the transaction for the consistent read of version and rows.</summary>
    protected virtual async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs before creating the schema inside its transaction (PostgreSQL serializes concurrent creators with an advisory lock).</summary>
    protected virtual Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        foreach (var statement in new[]
        {
            "CREATE TABLE IF NOT EXISTS pipeline_membership_schema (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)",
            "INSERT INTO pipeline_membership_schema (id, version) VALUES (1, 1) ON CONFLICT (id) DO NOTHING",
            "CREATE TABLE IF NOT EXISTS pipeline_membership_version (cluster TEXT PRIMARY KEY, version BIGINT NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS pipeline_membership (
                cluster TEXT NOT NULL,
                host TEXT NOT NULL,
                port INTEGER NOT NULL,
                uid BIGINT NOT NULL,
                status TEXT NOT NULL,
                roles TEXT NOT NULL,
                app_version TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                i_am_alive_at BIGINT NOT NULL,
                status_changed_at BIGINT NOT NULL,
                up_number BIGINT NOT NULL,
                suspicions TEXT NOT NULL,
                PRIMARY KEY (cluster, host, port, uid))
            """,
            "INSERT INTO pipeline_membership_version (cluster, version) VALUES (@cluster, 0) ON CONFLICT (cluster) DO NOTHING",
        })
        {
            await ExecuteAsync(connection, transaction, statement, cancellationToken, ("schema", SchemaVersion), ("cluster", _cluster)).ConfigureAwait(false);
        }
        var schema = Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT version FROM pipeline_membership_schema WHERE id = 1", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (schema > SchemaVersion)
            throw new MembershipStoreException($"The membership schema in the database is version {schema}, newer than this node's {SchemaVersion}; upgrade the node.");
        if (schema < 2)
        {
            // the tables are created in their version-1 shape above, then migrated here (new and old databases alike)
            await ExecuteAsync(connection, transaction, "ALTER TABLE pipeline_membership ADD COLUMN previous_status TEXT NOT NULL DEFAULT ''", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "UPDATE pipeline_membership_schema SET version = @schema WHERE id = 1", cancellationToken, ("schema", SchemaVersion)).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
        var versionValue = await ScalarAsync(connection, transaction, "SELECT version FROM pipeline_membership_version WHERE cluster = @cluster", cancellationToken, ("cluster", _cluster)).ConfigureAwait(false)
            ?? throw new MembershipStoreException($"Cluster '{_cluster}' has no membership version row; call InitializeAsync first.");
        var members = new List<Member>();
        await using (var command = Command(connection, transaction,
            "SELECT host, port, uid, status, roles, app_version, started_at, i_am_alive_at, status_changed_at, up_number, suspicions, previous_status FROM pipeline_membership WHERE cluster = @cluster",
            ("cluster", _cluster)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                members.Add(new Member
                {
                    Node = new UniqueAddress(new NodeAddress(_cluster, reader.GetString(0), reader.GetInt32(1)), reader.GetInt64(2)),
                    Status = ParseStatus(reader.GetString(3)),
                    Roles = MemberTextCodec.DecodeRoles(reader.GetString(4)),
                    AppVersion = reader.GetString(5),
                    StartedAt = FromMillis(reader.GetInt64(6)),
                    IAmAliveAt = FromMillis(reader.GetInt64(7)),
                    StatusChangedAt = FromMillis(reader.GetInt64(8)),
                    UpNumber = reader.GetInt64(9),
                    Suspicions = MemberTextCodec.DecodeVotes(reader.GetString(10)),
                    PreviousStatus = reader.GetString(11) is { Length: > 0 } previous ? ParseStatus(previous) : null,
                });
            }
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new MembershipSnapshot(Convert.ToInt64(versionValue, CultureInfo.InvariantCulture), members);
    }

    /// <inheritdoc />
    public Task<bool> TryRegisterAsync(Member member, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        CheckCluster(member.Node);
        return CompareAndSwapAsync(expectedVersion, async (connection, transaction, _) =>
        {
            var exists = await ScalarAsync(connection, transaction,
                "SELECT COUNT(*) FROM pipeline_membership WHERE cluster = @cluster AND host = @host AND port = @port AND uid = @uid", cancellationToken,
                Key(member.Node)).ConfigureAwait(false);
            if (Convert.ToInt64(exists, CultureInfo.InvariantCulture) > 0)
                throw new MembershipStoreException($"{member.Node} is already registered; a restarted node must use a new incarnation uid.");
            await ExecuteAsync(connection, transaction, """
                INSERT INTO pipeline_membership (cluster, host, port, uid, status, roles, app_version, started_at, i_am_alive_at, status_changed_at, up_number, suspicions)
                VALUES (@cluster, @host, @port, @uid, @status, @roles, @app_version, @started_at, @alive, @changed, @up_number, @suspicions)
                """, cancellationToken, [.. Key(member.Node),
                ("status", member.Status.ToString()),
                ("roles", MemberTextCodec.EncodeRoles(member.Roles)),
                ("app_version", member.AppVersion),
                ("started_at", ToMillis(member.StartedAt)),
                ("alive", ToMillis(member.IAmAliveAt)),
                ("changed", ToMillis(member.StatusChangedAt)),
                ("up_number", member.UpNumber),
                ("suspicions", MemberTextCodec.EncodeVotes(member.Suspicions))]).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> TryUpdateStatusAsync(UniqueAddress node, MemberStatus status, DateTimeOffset at, long expectedVersion, CancellationToken cancellationToken)
    {
        CheckCluster(node);
        return CompareAndSwapAsync(expectedVersion, async (connection, transaction, newVersion) =>
        {
            var sql = status == MemberStatus.Up
                ? "UPDATE pipeline_membership SET previous_status = status, status = @status, status_changed_at = @changed, up_number = @up_number WHERE cluster = @cluster AND host = @host AND port = @port AND uid = @uid"
                : "UPDATE pipeline_membership SET previous_status = status, status = @status, status_changed_at = @changed WHERE cluster = @cluster AND host = @host AND port = @port AND uid = @uid";
            var rows = await ExecuteAsync(connection, transaction, sql, cancellationToken,
                [.. Key(node), ("status", status.ToString()), ("changed", ToMillis(at)), ("up_number", newVersion)]).ConfigureAwait(false);
            if (rows == 0) throw new MembershipStoreException($"{node} is not in the membership table; register it first.");
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> TryAddSuspicionAsync(UniqueAddress node, SuspicionVote vote, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vote);
        CheckCluster(node);
        return CompareAndSwapAsync(expectedVersion, async (connection, transaction, _) =>
        {
            var current = await ScalarAsync(connection, transaction,
                "SELECT suspicions FROM pipeline_membership WHERE cluster = @cluster AND host = @host AND port = @port AND uid = @uid", cancellationToken,
                Key(node)).ConfigureAwait(false) as string
                ?? throw new MembershipStoreException($"{node} is not in the membership table; it cannot be suspected.");
            var votes = MemberTextCodec.DecodeVotes(current).Where(v => v.Voter != vote.Voter).Append(vote).ToList();
            await ExecuteAsync(connection, transaction,
                "UPDATE pipeline_membership SET suspicions = @suspicions WHERE cluster = @cluster AND host = @host AND port = @port AND uid = @uid", cancellationToken,
                [.. Key(node), ("suspicions", MemberTextCodec.EncodeVotes(votes))]).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task UpdateIAmAliveAsync(UniqueAddress node, DateTimeOffset at, CancellationToken cancellationToken)
    {
        CheckCluster(node);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await ExecuteAsync(connection, null,
            "UPDATE pipeline_membership SET i_am_alive_at = @alive WHERE cluster = @cluster AND host = @host AND port = @port AND uid = @uid", cancellationToken,
            [.. Key(node), ("alive", ToMillis(at))]).ConfigureAwait(false);
        if (rows == 0) throw new MembershipStoreException($"{node} is not in the membership table; register it first.");
    }

    private async Task<bool> CompareAndSwapAsync(long expectedVersion, Func<DbConnection, DbTransaction, long, Task> change, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var swapped = await ExecuteAsync(connection, transaction,
            "UPDATE pipeline_membership_version SET version = version + 1 WHERE cluster = @cluster AND version = @expected", cancellationToken,
            ("cluster", _cluster), ("expected", expectedVersion)).ConfigureAwait(false);
        if (swapped == 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }
        await change(connection, transaction, expectedVersion + 1).ConfigureAwait(false);
        await BeforeCommitAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private void CheckCluster(UniqueAddress node)
    {
        if (node.Address.System != _cluster)
            throw new ArgumentException($"{node} belongs to system '{node.Address.System}', this membership store to '{_cluster}'.", nameof(node));
    }

    private (string, object)[] Key(UniqueAddress node) =>
        [("cluster", _cluster), ("host", node.Address.Host), ("port", node.Address.Port), ("uid", node.Uid)];

    private static MemberStatus ParseStatus(string text) =>
        Enum.TryParse<MemberStatus>(text, out var status) && Enum.IsDefined(status)
            ? status
            : throw new MembershipStoreException($"Unknown member status '{text}' in the membership table.");

    private static long ToMillis(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMillis(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            if (!sql.Contains("@" + name, StringComparison.Ordinal)) continue;
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }
}
