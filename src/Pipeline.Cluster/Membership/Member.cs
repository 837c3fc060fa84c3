using Pipeline.Cluster.Addressing;

namespace Pipeline.Cluster.Membership;

/// <summary>One row of the membership table: a node incarnation and everything the cluster knows about it.</summary>
public sealed record Member
{
    /// <summary>The incarnation.</summary>
    public required UniqueAddress Node { get; init; }

    /// <summary>Lifecycle status.</summary>
    public required MemberStatus Status { get; init; }

    /// <summary>Roles (for role-filtered singletons and routing).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Application version the node runs (rolling upgrades).</summary>
    public string AppVersion { get; init; } = "";

    /// <summary>When the incarnation started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Last liveness write of the node itself.</summary>
    public required DateTimeOffset IAmAliveAt { get; init; }

    /// <summary>When <see cref="Status"/> last changed (Down → Removed waits a grace period from here).</summary>
    public required DateTimeOffset StatusChangedAt { get; init; }

    /// <summary>
    /// The status before the last change (null before any change, or in rows written by older nodes): a reader
    /// that sees a member Removed without having seen it Down or Exiting learns from here which it was.
    /// </summary>
    public MemberStatus? PreviousStatus { get; init; }

    /// <summary>Order of becoming Up (the table version of that change); lower is older. 0 before Up.</summary>
    public long UpNumber { get; init; }

    /// <summary>Suspicion votes against this member, at most one per voter.</summary>
    public IReadOnlyList<SuspicionVote> Suspicions { get; init; } = [];

    /// <summary>True when the member has <paramref name="role"/> (null: any member).</summary>
    public bool HasRole(string? role) => role is null || Roles.Contains(role, StringComparer.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{Node} {Status}";
}
