namespace Pipeline.Cluster.Membership.Events;

/// <summary>A member was declared Down (votes, or replaced by its own restart).</summary>
/// <param name="Member">The member as the table shows it now.</param>
public sealed record MemberDowned(Member Member) : MemberEvent(Member);
