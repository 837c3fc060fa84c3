using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Events;

namespace Pipeline.Cluster.Tests.Membership;

public sealed class ClusterViewTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Member M(int port, MemberStatus status, long upNumber, params string[] roles) => new()
    {
        Node = new UniqueAddress(new NodeAddress("s", "127.0.0.1", port), port),
        Status = status,
        Roles = roles,
        UpNumber = upNumber,
        StartedAt = T0.AddSeconds(port),
        IAmAliveAt = T0,
        StatusChangedAt = T0,
    };

    [Fact]
    public void The_oldest_up_member_is_tracked_per_role_and_moves_when_it_leaves()
    {
        var view = new ClusterView();
        var a = M(1, MemberStatus.Up, 5, "ingest");
        var b = M(2, MemberStatus.Up, 3, "gpu");
        var c = M(3, MemberStatus.Up, 7, "ingest", "gpu");
        var events = view.Apply(new MembershipSnapshot(10, [a, b, c]));

        var oldest = events.OfType<OldestChanged>().ToDictionary(e => e.Role ?? "*", e => e.Oldest!.Node.Address.Port);
        Assert.Equal(new Dictionary<string, int> { ["*"] = 2, ["ingest"] = 1, ["gpu"] = 2 }, oldest);
        Assert.Equal(3, events.OfType<MemberUp>().Count());

        // b leaves: the oldest overall and of "gpu" move, "ingest" does not
        events = view.Apply(new MembershipSnapshot(11, [a, b with { Status = MemberStatus.Leaving }, c]));
        Assert.Contains(events, e => e is MemberLeft l && l.Member.Node == b.Node);
        var moved = events.OfType<OldestChanged>().ToDictionary(e => e.Role ?? "*", e => e.Oldest!.Node.Address.Port);
        Assert.Equal(new Dictionary<string, int> { ["*"] = 1, ["gpu"] = 3 }, moved);

        // b's row disappears altogether: removed with its last status
        events = view.Apply(new MembershipSnapshot(12, [a, c]));
        var removed = Assert.Single(events.OfType<MemberRemoved>());
        Assert.Equal((b.Node, MemberStatus.Leaving), (removed.Member.Node, removed.PreviousStatus));
    }

    [Fact]
    public void Reachability_events_fire_on_changes_only_and_show_in_the_state()
    {
        var view = new ClusterView();
        var a = M(1, MemberStatus.Up, 1);
        view.Apply(new MembershipSnapshot(1, [a]));
        Assert.IsType<UnreachableMember>(view.SetReachable(a.Node, false));
        Assert.Null(view.SetReachable(a.Node, false));
        Assert.Contains(a.Node, view.State().Unreachable);
        Assert.IsType<ReachableMember>(view.SetReachable(a.Node, true));
        Assert.Empty(view.State().Unreachable);
    }

    [Fact]
    public void Tombstones_of_unknown_incarnations_produce_no_events()
    {
        var view = new ClusterView();
        var events = view.Apply(new MembershipSnapshot(1, [M(1, MemberStatus.Removed, 1)]));
        Assert.Empty(events);
        Assert.Empty(view.State().Members);
    }
}
