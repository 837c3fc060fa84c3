using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Membership;

namespace Pipeline.Cluster.Singleton;

/// <summary>
/// Where a singleton may run, decided from the membership table alone (the store is the source of truth, so
/// every node decides the same): on the oldest Up member with the role, and only once every older member with
/// the role can no longer run it — it finished handing over (Exiting) or is gone (Removed). A Leaving member
/// is still handing over and a Down member may still be running until it fences itself, so they block.
/// </summary>
internal static class SingletonPlacement
{
    /// <summary>The oldest Up member with <paramref name="role"/>, or null.</summary>
    public static Member? Oldest(IEnumerable<Member> members, string? role) =>
        members.Where(m => m.Status == MemberStatus.Up && m.HasRole(role)).OrderBy(m => m.UpNumber).ThenBy(m => m.StartedAt).FirstOrDefault();

    /// <summary>Whether <paramref name="self"/> may run the singleton now; <paramref name="blocker"/> names what it waits for.</summary>
    public static bool MayRun(IReadOnlyCollection<Member> members, UniqueAddress self, string? role, out Member? blocker)
    {
        blocker = null;
        var oldest = Oldest(members, role);
        if (oldest is null || oldest.Node != self) return false;
        blocker = members.FirstOrDefault(m => m.Node != self && m.HasRole(role) && m.UpNumber > 0 && m.UpNumber < oldest.UpNumber
                                              && m.Status is MemberStatus.Leaving or MemberStatus.Down);
        return blocker is null;
    }
}
