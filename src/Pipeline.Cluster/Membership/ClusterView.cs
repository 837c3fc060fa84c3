using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Membership.Events;

namespace Pipeline.Cluster.Membership;

/// <summary>
/// The agent's view of the cluster: the members it has seen, local reachability and the oldest member per
/// role. Applying a fresh table snapshot yields the Akka-style events for the differences. Not thread-safe.
/// </summary>
internal sealed class ClusterView
{
    private readonly Dictionary<UniqueAddress, Member> _members = new();
    private readonly HashSet<UniqueAddress> _unreachable = new();
    private readonly Dictionary<string, Member> _oldest = new(StringComparer.Ordinal);

    public IReadOnlyCollection<Member> Members => _members.Values;

    public bool IsUnreachable(UniqueAddress node) => _unreachable.Contains(node);

    public Member? Get(UniqueAddress node) => _members.GetValueOrDefault(node);

    public CurrentClusterState State() =>
        new(_members.Values.OrderBy(m => m.Node.Address, Comparer<NodeAddress>.Create(NodeAddress.Compare)).ToList(),
            UnreachableMembers,
            new Dictionary<string, Member>(_oldest, StringComparer.Ordinal));

    /// <summary>Diffs <paramref name="snapshot"/> against the view, updates it and returns the events in order.</summary>
    public List<ClusterEvent> Apply(MembershipSnapshot snapshot)
    {
        var events = new List<ClusterEvent>();
        var seen = new HashSet<UniqueAddress>();
        foreach (var member in snapshot.Members.OrderBy(m => m.UpNumber).ThenBy(m => m.StartedAt))
        {
            seen.Add(member.Node);
            var known = _members.GetValueOrDefault(member.Node);
            if (known is null)
            {
                if (member.Status == MemberStatus.Removed) continue; // a tombstone of an incarnation we never saw
                _members[member.Node] = member;
                events.Add(member.Status == MemberStatus.Joining ? new MemberJoined(member) : StatusEvent(member));
                if (_unreachable.Contains(member.Node)) events.Add(new UnreachableMember(member));
                continue;
            }
            _members[member.Node] = member;
            if (member.Status == MemberStatus.Removed)
            {
                if (known.Status != MemberStatus.Removed) AddRemoved(events, known, member);
                Forget(member.Node);
            }
            else if (known.Status != member.Status) events.Add(StatusEvent(member));
        }
        foreach (var gone in _members.Keys.Where(n => !seen.Contains(n)).ToList())
        {
            var member = _members[gone];
            AddRemoved(events, member, member with { Status = MemberStatus.Removed, PreviousStatus = null });
            Forget(gone);
        }
        events.AddRange(RecomputeOldest());
        return events;
    }

    /// <summary>Records a reachability verdict of the local failure detector; the event when it changed.</summary>
    public ClusterEvent? SetReachable(UniqueAddress node, bool reachable)
    {
        // a verdict about a member not read from the table yet is kept; its event comes when the member appears
        var changed = reachable ? _unreachable.Remove(node) : _unreachable.Add(node);
        if (!changed || !_members.TryGetValue(node, out var member)) return null;
        return reachable ? new ReachableMember(member) : new UnreachableMember(member);
    }

    private void Forget(UniqueAddress node)
    {
        _members.Remove(node);
        _unreachable.Remove(node);
    }

    /// <summary>Unreachable marks of members in the view (reported ones not in the table are left out).</summary>
    public IReadOnlySet<UniqueAddress> UnreachableMembers => _unreachable.Where(_members.ContainsKey).ToHashSet();

    /// <summary>
    /// The events of a member's removal, with Akka's semantics: <see cref="MemberRemoved.PreviousStatus"/> is Down
    /// (failure) or Exiting (graceful leave). When this view missed that step (the member went, e.g., Up → Removed
    /// between two reads), the step's own event (<see cref="MemberDowned"/> or <see cref="MemberExited"/>) comes
    /// first, so that subscribers always see the same sequence. Which step it was comes from the row's
    /// <see cref="Member.PreviousStatus"/>; for rows without it (deleted rows, older nodes) a member seen Leaving
    /// or Exiting left gracefully and any other was downed.
    /// </summary>
    private static void AddRemoved(List<ClusterEvent> events, Member known, Member removed)
    {
        var previous = known.Status is MemberStatus.Down or MemberStatus.Exiting ? known.Status
            : removed.PreviousStatus is MemberStatus.Down or MemberStatus.Exiting ? removed.PreviousStatus.Value
            : known.Status is MemberStatus.Leaving ? MemberStatus.Exiting
            : MemberStatus.Down;
        if (known.Status != previous)
        {
            var step = removed with { Status = previous };
            events.Add(previous == MemberStatus.Down ? new MemberDowned(step) : new MemberExited(step));
        }
        events.Add(new MemberRemoved(removed, previous));
    }

    private static ClusterEvent StatusEvent(Member member) => member.Status switch
    {
        MemberStatus.Joining => new MemberJoined(member),
        MemberStatus.Up => new MemberUp(member),
        MemberStatus.Leaving => new MemberLeft(member),
        MemberStatus.Exiting => new MemberExited(member),
        _ => new MemberDowned(member),
    };

    private IEnumerable<ClusterEvent> RecomputeOldest()
    {
        var up = _members.Values.Where(m => m.Status == MemberStatus.Up).ToList();
        var roles = up.SelectMany(m => m.Roles).Append("").Concat(_oldest.Keys).Distinct(StringComparer.Ordinal).ToList();
        foreach (var role in roles)
        {
            var oldest = up.Where(m => m.HasRole(role.Length == 0 ? null : role))
                .OrderBy(m => m.UpNumber).ThenBy(m => m.StartedAt).ThenBy(m => m.Node.Address, Comparer<NodeAddress>.Create(NodeAddress.Compare))
                .FirstOrDefault();
            var previous = _oldest.GetValueOrDefault(role);
            if (previous?.Node == oldest?.Node) continue;
            if (oldest is null) _oldest.Remove(role);
            else _oldest[role] = oldest;
            yield return new OldestChanged(role.Length == 0 ? null : role, oldest);
        }
    }
}
