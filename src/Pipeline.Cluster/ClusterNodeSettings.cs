using Pipeline.Cluster.FailureDetection;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Transport;

namespace Pipeline.Cluster;

/// <summary>Everything a <see cref="ClusterNode"/> needs besides its membership store.</summary>
public sealed record ClusterNodeSettings
{
    /// <summary>Transport (address, secret, queues, TLS).</summary>
    public required TransportSettings Transport { get; init; }

    /// <summary>Membership agent (refresh, votes, roles).</summary>
    public MembershipSettings Membership { get; init; } = new();

    /// <summary>Heartbeats and the phi-accrual detector.</summary>
    public FailureDetectorSettings FailureDetector { get; init; } = new();
}
