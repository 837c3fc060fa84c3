namespace Pipeline.Cluster.Membership;

/// <summary>The whole membership table as read at one table version (the version every compare-and-swap names).</summary>
/// <param name="Version">Table version; every change increments it.</param>
/// <param name="Members">One row per node incarnation.</param>
public sealed record MembershipSnapshot(long Version, IReadOnlyList<Member> Members);
