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

        // b's row disappears altogether: it was leaving, so it exited (Akka: a removal follows Down or Exiting)
        events = view.Apply(new MembershipSnapshot(12, [a, c]));
        Assert.Equal([typeof(MemberExited), typeof(MemberRemoved)], events.OfType<MemberEvent>().Select(e => e.GetType()));
        var removed = Assert.Single(events.OfType<MemberRemoved>());
        Assert.Equal((b.Node, MemberStatus.Exiting), (removed.Member.Node, removed.PreviousStatus));
    }

    [Theory]
    [InlineData(MemberStatus.Down)]
    [InlineData(MemberStatus.Exiting)]
    public void A_member_seen_up_then_removed_is_reported_through_the_step_the_view_missed(MemberStatus step)
    {
        var view = new ClusterView();
        var a = M(1, MemberStatus.Up, 1);
        var b = M(2, MemberStatus.Up, 2);
        view.Apply(new MembershipSnapshot(1, [a, b]));

        // between two reads b went Up -> Down -> Removed (a crash) or Up -> Leaving -> Exiting -> Removed (a leave)
        var events = view.Apply(new MembershipSnapshot(5, [a, b with { Status = MemberStatus.Removed, PreviousStatus = step }]));

        var memberEvents = events.OfType<MemberEvent>().ToList();
        Assert.Equal([step == MemberStatus.Down ? typeof(MemberDowned) : typeof(MemberExited), typeof(MemberRemoved)], memberEvents.Select(e => e.GetType()));
        Assert.Equal(step, memberEvents[0].Member.Status);
        var removed = (MemberRemoved)memberEvents[1];
        Assert.Equal((MemberStatus.Removed, step), (removed.Member.Status, removed.PreviousStatus));
        Assert.DoesNotContain(view.State().Members, m => m.Node == b.Node);
    }

    [Fact]
    public void A_removal_seen_after_the_down_step_reports_down_without_repeating_it()
    {
        var view = new ClusterView();
        var a = M(1, MemberStatus.Up, 1);
        var b = M(2, MemberStatus.Up, 2);
        view.Apply(new MembershipSnapshot(1, [a, b]));
        Assert.IsType<MemberDowned>(Assert.Single(view.Apply(new MembershipSnapshot(2, [a, b with { Status = MemberStatus.Down }])).OfType<MemberEvent>()));

        var events = view.Apply(new MembershipSnapshot(3, [a, b with { Status = MemberStatus.Removed, PreviousStatus = MemberStatus.Down }])).OfType<MemberEvent>();

        var removed = Assert.IsType<MemberRemoved>(Assert.Single(events));
        Assert.Equal(MemberStatus.Down, removed.PreviousStatus);
    }

    [Fact]
    public void A_removal_without_a_recorded_step_from_up_counts_as_down()
    {
        // rows of nodes older than schema version 2 carry no previous status
        var view = new ClusterView();
        var a = M(1, MemberStatus.Up, 1);
        var b = M(2, MemberStatus.Up, 2);
        view.Apply(new MembershipSnapshot(1, [a, b]));

        var events = view.Apply(new MembershipSnapshot(3, [a, b with { Status = MemberStatus.Removed }])).OfType<MemberEvent>().ToList();

        Assert.IsType<MemberDowned>(events[0]);
        Assert.Equal(MemberStatus.Down, Assert.IsType<MemberRemoved>(events[1]).PreviousStatus);
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
