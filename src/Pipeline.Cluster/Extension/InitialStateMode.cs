namespace Pipeline.Cluster.Extension;

/// <summary>What a new cluster-event subscriber receives first (Akka's ClusterEvent.InitialStateMode).</summary>
public enum InitialStateMode
{
    /// <summary>The current state as events (MemberUp for each Up member, UnreachableMember, OldestChanged ...), filtered by the subscribed types.</summary>
    AsEvents,

    /// <summary>One <see cref="Membership.Events.CurrentClusterState"/> message, whatever the subscribed types.</summary>
    AsSnapshot,
}
