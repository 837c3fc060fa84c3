namespace Pipeline.Cluster.Membership.Events;

/// <summary>A member started leaving gracefully (Leaving).</summary>
/// <param name="Member">The member as the table shows it now.</param>
public sealed record MemberLeft(Member Member) : MemberEvent(Member);
