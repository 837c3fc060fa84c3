using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Pipeline.Cluster.Membership.Store;

/// <summary>
/// Membership in a SQLite file, for nodes on one machine sharing it (WAL mode; writers wait on a busy file up to
/// the command timeout).
/// </summary>
public sealed class SqliteMembershipStore : SqlMembershipStore
{
    private readonly string _connectionString;

    /// <summary>Creates the store on the database file at <paramref name="path"/>.</summary>
    public SqliteMembershipStore(string path, string cluster) : base(cluster)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("The SQLite membership file path is empty.", nameof(path));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString();
    }

    /// <summary>A deferred transaction: in WAL mode a consistent snapshot that does not block writers.</summary>
    protected override Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    /// <inheritdoc />
    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
