namespace Pipeline.Cluster.Membership.Events;

/// <summary>The local failure detector lost heartbeats of a member.</summary>
/// <param name="Member">The member as the table shows it now.</param>
public sealed record UnreachableMember(Member Member) : MemberEvent(Member);
