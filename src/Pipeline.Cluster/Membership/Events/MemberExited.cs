namespace Pipeline.Cluster.Membership.Events;

/// <summary>A leaving member finished its hand-over (Exiting).</summary>
/// <param name="Member">The member as the table shows it now.</param>
public sealed record MemberExited(Member Member) : MemberEvent(Member);
