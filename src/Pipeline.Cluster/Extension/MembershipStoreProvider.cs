namespace Pipeline.Cluster.Extension;

/// <summary>Which membership store a node uses when <see cref="ClusterSettings.Store"/> is not given.</summary>
public enum MembershipStoreProvider
{
    /// <summary>A SQLite file shared by the nodes of one machine; the connection string is the file path.</summary>
    Sqlite,

    /// <summary>PostgreSQL, the cluster default; the connection string is an Npgsql connection string.</summary>
    Postgres,
}
