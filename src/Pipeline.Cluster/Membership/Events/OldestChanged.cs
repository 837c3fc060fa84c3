namespace Pipeline.Cluster.Membership.Events;

/// <summary>The oldest Up member (lowest up-number) with a role changed: where cluster singletons live.</summary>
/// <param name="Role">The role filter, or null for all members.</param>
/// <param name="Oldest">The new oldest member, or null when no Up member has the role.</param>
public sealed record OldestChanged(string? Role, Member? Oldest) : ClusterEvent;
