namespace Pipeline.Cluster.Membership.Events;

/// <summary>An event about one member.</summary>
/// <param name="Member">The member as the table shows it now.</param>
public abstract record MemberEvent(Member Member) : ClusterEvent;
