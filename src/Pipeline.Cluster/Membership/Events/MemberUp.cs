namespace Pipeline.Cluster.Membership.Events;

/// <summary>A member became Up (or was first seen Up).</summary>
/// <param name="Member">The member as the table shows it now.</param>
public sealed record MemberUp(Member Member) : MemberEvent(Member);
