namespace Pipeline.Cluster.Membership.Events;

/// <summary>A member reported unreachable answers heartbeats again.</summary>
/// <param name="Member">The member as the table shows it now.</param>
public sealed record ReachableMember(Member Member) : MemberEvent(Member);
