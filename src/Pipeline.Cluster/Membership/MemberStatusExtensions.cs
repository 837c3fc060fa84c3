namespace Pipeline.Cluster.Membership;

/// <summary>Groupings of <see cref="MemberStatus"/> used by the membership logic.</summary>
public static class MemberStatusExtensions
{
    /// <summary>True for statuses of a running member that others must connect to and watch.</summary>
    public static bool IsLive(this MemberStatus status) => status is MemberStatus.Joining or MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting;
}
