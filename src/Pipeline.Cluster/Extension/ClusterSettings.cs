using Pipeline.Cluster.FailureDetection;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Store;
using Pipeline.Cluster.Transport;

namespace Pipeline.Cluster.Extension;

/// <summary>
/// What an actor system needs to join a cluster (<see cref="ClusterExtension.StartAsync"/>): the shared secret,
/// where to listen, and the membership store. The cluster name is the actor system's name.
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>Shared cluster secret (proven in the handshake, never sent); the same on every node. Required.</summary>
    public string? Secret { get; init; }

    /// <summary>Host (name or IP) to bind and advertise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Which store <see cref="StoreConnectionString"/> names (ignored when <see cref="Store"/> is set).</summary>
    public MembershipStoreProvider StoreProvider { get; init; } = MembershipStoreProvider.Sqlite;

    /// <summary>The SQLite file path or the PostgreSQL connection string (required unless <see cref="Store"/> is set).</summary>
    public string? StoreConnectionString { get; init; }

    /// <summary>A ready store instance (tests, custom providers); the extension does not dispose it.</summary>
    public IMembershipStore? Store { get; init; }

    /// <summary>Membership agent settings (refresh, votes, roles, app version).</summary>
    public MembershipSettings Membership { get; init; } = new();

    /// <summary>Heartbeats and the phi-accrual detector.</summary>
    public FailureDetectorSettings FailureDetector { get; init; } = new();

    /// <summary>Changes the transport settings built from the fields above (queues, TLS, frame sizes).</summary>
    public Func<TransportSettings, TransportSettings>? ConfigureTransport { get; init; }

    /// <summary>How long the cluster-exiting shutdown phase waits to see this member Exiting or Removed.</summary>
    public TimeSpan ExitingTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first unusable setting and the fix.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Secret))
            throw new ArgumentException("ClusterSettings.Secret is missing: set the same non-empty cluster secret on every node.");
        if (string.IsNullOrWhiteSpace(Host))
            throw new ArgumentException("ClusterSettings.Host is empty: set the host name or IP this node listens on and advertises (e.g. 127.0.0.1).");
        if (Port is < 0 or > 65535)
            throw new ArgumentException($"ClusterSettings.Port is {Port}: use 0 (any free port) or a port between 1 and 65535.");
        if (Store is null && string.IsNullOrWhiteSpace(StoreConnectionString))
            throw new ArgumentException(StoreProvider == MembershipStoreProvider.Postgres
                ? "ClusterSettings.StoreConnectionString is empty: set the PostgreSQL membership connection string (Host=...;Username=...;Database=...)."
                : "ClusterSettings.StoreConnectionString is empty: set the path of the SQLite membership file shared by the nodes of this machine.");
        if (!Enum.IsDefined(StoreProvider))
            throw new ArgumentException($"ClusterSettings.StoreProvider {StoreProvider} is unknown: use Sqlite or Postgres.");
        if (ExitingTimeout <= TimeSpan.Zero)
            throw new ArgumentException("ClusterSettings.ExitingTimeout must be positive.");
        Membership.Validate();
        FailureDetector.Validate();
    }

    internal TransportSettings TransportFor(string systemName)
    {
        var transport = new TransportSettings { SystemName = systemName, Secret = Secret!, Host = Host, Port = Port };
        return ConfigureTransport is null ? transport : ConfigureTransport(transport) with { SystemName = systemName };
    }
}
