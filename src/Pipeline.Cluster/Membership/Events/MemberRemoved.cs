namespace Pipeline.Cluster.Membership.Events;

/// <summary>A member is gone for good (Removed); its incarnation never returns.</summary>
/// <param name="Member">The member, with status Removed.</param>
/// <param name="PreviousStatus">Its status before: Exiting after a graceful leave, Down after a failure.</param>
public sealed record MemberRemoved(Member Member, MemberStatus PreviousStatus) : MemberEvent(Member);
