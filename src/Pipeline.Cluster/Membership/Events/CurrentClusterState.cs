using Pipeline.Cluster.Addressing;

namespace Pipeline.Cluster.Membership.Events;

/// <summary>The state a new subscriber receives first, so that it needs no history (Akka's CurrentClusterState).</summary>
/// <param name="Members">Members not yet removed.</param>
/// <param name="Unreachable">Members the local failure detector considers unreachable.</param>
/// <param name="OldestByRole">Oldest Up member per role ("" key: any role).</param>
public sealed record CurrentClusterState(
    IReadOnlyList<Member> Members,
    IReadOnlySet<UniqueAddress> Unreachable,
    IReadOnlyDictionary<string, Member> OldestByRole) : ClusterEvent;
