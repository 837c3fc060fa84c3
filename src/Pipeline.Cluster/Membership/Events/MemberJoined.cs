namespace Pipeline.Cluster.Membership.Events;

/// <summary>A new incarnation registered (Joining).</summary>
/// <param name="Member">The member as the table shows it now.</param>
public sealed record MemberJoined(Member Member) : MemberEvent(Member);
