using System.Collections.Concurrent;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Cluster.Membership.Store;
using Pipeline.Cluster.Tests.Support;

namespace Pipeline.Cluster.Tests.Membership;

/// <summary>The agent's decisions, driven by hand (no refresh loop ticks during a test: the interval is an hour).</summary>
public sealed class MembershipAgentTests : IAsyncLifetime
{
    private const string Cluster = "agents";
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-agent-").FullName;
    private readonly List<MembershipAgent> _agents = [];

    private sealed class NoConnector : IMemberConnector
    {
        public ConcurrentBag<UniqueAddress> Connected { get; } = [];

        public Task ConnectAsync(Member member, CancellationToken cancellationToken)
        {
            Connected.Add(member.Node);
            return Task.CompletedTask;
        }
    }

    private IMembershipStore Store() => new SqliteMembershipStore(Path.Combine(_directory, "m.db"), Cluster);

    private static MembershipSettings Manual(params string[] roles) => new()
    {
        RefreshInterval = TimeSpan.FromHours(1),
        DownRemovalGrace = TimeSpan.Zero,
        Roles = roles,
    };

    private async Task<MembershipAgent> JoinAsync(int port, MembershipSettings? settings = null, long uid = 0, NoConnector? connector = null)
    {
        var agent = new MembershipAgent(Store(), new UniqueAddress(new NodeAddress(Cluster, "127.0.0.1", port), uid == 0 ? UniqueAddress.NewUid() : uid),
            settings ?? Manual(), connector ?? new NoConnector());
        _agents.Add(agent);
        await agent.JoinAsync(CancellationToken.None);
        return agent;
    }

    private static Member Row(MembershipSnapshot snapshot, UniqueAddress node) => snapshot.Members.Single(m => m.Node == node);

    [Fact]
    public async Task Joining_connects_to_the_live_members_and_ends_up_with_up_events_in_age_order()
    {
        var a = await JoinAsync(1, Manual("ingest"));
        var connector = new NoConnector();
        var b = await JoinAsync(2, Manual("ingest"), connector: connector);
        Assert.Equal([a.Self], connector.Connected);

        var events = new List<ClusterEvent>();
        using var subscription = a.Subscribe(events.Add);
        var state = Assert.IsType<CurrentClusterState>(events[0]);
        Assert.Single(state.Members);
        await a.RefreshAsync(CancellationToken.None);

        Assert.Contains(events, e => e is MemberUp up && up.Member.Node == b.Self);
        var snapshot = await Store().ReadAllAsync(CancellationToken.None);
        Assert.All(snapshot.Members, m => Assert.Equal(MemberStatus.Up, m.Status));
        Assert.True(Row(snapshot, a.Self).UpNumber < Row(snapshot, b.Self).UpNumber);
        Assert.Equal(a.Self, b.State.OldestByRole[""].Node);
        Assert.Equal(a.Self, b.State.OldestByRole["ingest"].Node);
    }

    [Fact]
    public async Task Enough_votes_mark_an_unreachable_member_down_and_it_is_removed()
    {
        var a = await JoinAsync(1);
        var b = await JoinAsync(2);
        var c = await JoinAsync(3);
        var events = new ConcurrentQueue<ClusterEvent>();
        using var _ = b.Subscribe(events.Enqueue);

        a.OnUnreachable(c.Self);
        await a.RefreshAsync(CancellationToken.None);
        var afterOneVote = Row(await Store().ReadAllAsync(CancellationToken.None), c.Self);
        Assert.Equal(MemberStatus.Up, afterOneVote.Status); // 3 live members need 2 votes
        Assert.Equal(a.Self, Assert.Single(afterOneVote.Suspicions).Voter);

        b.OnUnreachable(c.Self); // b has not read c from the table yet: the verdict waits for it
        await b.RefreshAsync(CancellationToken.None); // second vote: Down, then (grace 0) Removed
        Assert.Contains(events, e => e is UnreachableMember u && u.Member.Node == c.Self);
        var final = Row(await Store().ReadAllAsync(CancellationToken.None), c.Self);
        Assert.Equal(MemberStatus.Removed, final.Status);
        Assert.Contains(events, e => e is MemberDowned d && d.Member.Node == c.Self);
        Assert.Contains(events, e => e is MemberRemoved r && r.Member.Node == c.Self && r.PreviousStatus == MemberStatus.Down);
        Assert.DoesNotContain(b.State.Members, m => m.Node == c.Self);

        // c still runs: it reads itself gone and fences itself
        var fencedEvents = new List<ClusterEvent>();
        using var __ = c.Subscribe(fencedEvents.Add);
        await c.RefreshAsync(CancellationToken.None);
        var fenced = await c.Fenced.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("removed", fenced.Reason);
        Assert.Contains(fencedEvents, e => e is NodeFenced);
    }

    [Fact]
    public async Task A_member_downed_on_votes_that_all_saw_its_process_gone_is_removed_without_the_grace()
    {
        var slow = Manual() with { DownRemovalGrace = TimeSpan.FromHours(1) };
        var a = await JoinAsync(1, slow);
        var b = await JoinAsync(2, slow);
        var c = await JoinAsync(3, slow);
        await a.RefreshAsync(CancellationToken.None);
        var events = new ConcurrentQueue<ClusterEvent>();
        using var _ = b.Subscribe(events.Enqueue);

        a.OnProcessGone(c.Self); // a's dial to c's address was refused
        await a.RefreshAsync(CancellationToken.None);
        var afterOneVote = Row(await Store().ReadAllAsync(CancellationToken.None), c.Self);
        Assert.Equal(MemberStatus.Up, afterOneVote.Status); // still one vote of the two needed
        var vote = Assert.Single(afterOneVote.Suspicions);
        Assert.Equal((a.Self, true), (vote.Voter, vote.ProcessGone));
        Assert.Contains(a.State.Unreachable, n => n == c.Self);

        // a's own vote queued a refresh in the background that may run at any point from here on (late, on a loaded
        // machine): subscribe before the second vote, so a's events are seen whichever read finds the change
        var seenByA = new ConcurrentQueue<ClusterEvent>();
        using var __ = a.Subscribe(seenByA.Enqueue);

        b.OnProcessGone(c.Self);
        await b.RefreshAsync(CancellationToken.None);

        var row = Row(await Store().ReadAllAsync(CancellationToken.None), c.Self);
        Assert.Equal((MemberStatus.Removed, MemberStatus.Down), (row.Status, row.PreviousStatus));
        Assert.Contains(events, e => e is MemberDowned d && d.Member.Node == c.Self);
        Assert.Contains(events, e => e is MemberRemoved r && r.Member.Node == c.Self && r.PreviousStatus == MemberStatus.Down);

        // a usually missed the Down step between two reads: it still sees Down before Removed
        await a.RefreshAsync(CancellationToken.None);
        Assert.Equal([typeof(MemberDowned), typeof(MemberRemoved)], seenByA.OfType<MemberEvent>().Where(e => e.Member.Node == c.Self).Select(e => e.GetType()));
    }

    [Fact]
    public async Task A_member_downed_partly_on_missed_heartbeats_waits_for_the_grace()
    {
        var slow = Manual() with { DownRemovalGrace = TimeSpan.FromHours(1) };
        var a = await JoinAsync(1, slow);
        var b = await JoinAsync(2, slow);
        var c = await JoinAsync(3, slow);
        await a.RefreshAsync(CancellationToken.None);

        a.OnUnreachable(c.Self); // only the failure detector: c may still run, cut off
        await a.RefreshAsync(CancellationToken.None);
        b.OnProcessGone(c.Self);
        await b.RefreshAsync(CancellationToken.None);

        var row = Row(await Store().ReadAllAsync(CancellationToken.None), c.Self);
        Assert.Equal(MemberStatus.Down, row.Status);
        Assert.False(Assert.Single(row.Suspicions).ProcessGone);
    }

    [Fact]
    public async Task A_connection_that_succeeds_after_a_refusal_withdraws_the_evidence()
    {
        var a = await JoinAsync(1);
        var b = await JoinAsync(2);
        var c = await JoinAsync(3);
        await a.RefreshAsync(CancellationToken.None);
        var events = new ConcurrentQueue<ClusterEvent>();
        using var _ = a.Subscribe(events.Enqueue);

        a.OnProcessGone(c.Self);
        a.OnConnected(c.Self);
        await a.RefreshAsync(CancellationToken.None);

        Assert.Contains(events, e => e is UnreachableMember u && u.Member.Node == c.Self);
        Assert.Contains(events, e => e is ReachableMember r && r.Member.Node == c.Self);
        Assert.Empty(a.State.Unreachable);
        // no further votes: a re-read after the withdrawal leaves c Up with at most the vote cast before it
        await a.RefreshAsync(CancellationToken.None);
        var row = Row(await Store().ReadAllAsync(CancellationToken.None), c.Self);
        Assert.Equal(MemberStatus.Up, row.Status);
        Assert.True(row.Suspicions.Count <= 1);
    }

    [Fact]
    public async Task Stale_votes_do_not_count()
    {
        var a = await JoinAsync(1);
        var b = await JoinAsync(2);
        var c = await JoinAsync(3);
        var store = Store();
        var snapshot = await store.ReadAllAsync(CancellationToken.None);
        var old = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(10);
        Assert.True(await store.TryAddSuspicionAsync(c.Self, new SuspicionVote(a.Self, old), snapshot.Version, CancellationToken.None));

        b.OnUnreachable(c.Self);
        await b.RefreshAsync(CancellationToken.None);
        var row = Row(await store.ReadAllAsync(CancellationToken.None), c.Self);
        Assert.Equal(MemberStatus.Up, row.Status);
        Assert.Equal(2, row.Suspicions.Count);
    }

    [Fact]
    public async Task In_a_two_node_cluster_one_vote_is_a_majority()
    {
        var a = await JoinAsync(1, Manual() with { DownRemovalGrace = TimeSpan.FromHours(1) });
        var b = await JoinAsync(2);
        a.OnUnreachable(b.Self);
        await a.RefreshAsync(CancellationToken.None);
        Assert.Equal(MemberStatus.Down, Row(await Store().ReadAllAsync(CancellationToken.None), b.Self).Status);
    }

    [Fact]
    public async Task A_node_that_reads_itself_down_is_fenced()
    {
        var a = await JoinAsync(1);
        var store = Store();
        var snapshot = await store.ReadAllAsync(CancellationToken.None);
        Assert.True(await store.TryUpdateStatusAsync(a.Self, MemberStatus.Down, DateTimeOffset.UtcNow, snapshot.Version, CancellationToken.None));
        Assert.False(a.Fenced.IsCompleted);
        await a.RefreshAsync(CancellationToken.None);
        var fenced = await a.Fenced.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MemberStatus.Down, fenced.Self!.Status);
        Assert.Contains("declared this node Down", fenced.Reason);
    }

    [Fact]
    public async Task A_restarted_node_declares_its_previous_incarnation_dead()
    {
        var a = await JoinAsync(1);
        var old = await JoinAsync(2, uid: 100);
        await old.DisposeAsync(); // crashed: its row still says Up
        var restarted = await JoinAsync(2, uid: 200);

        var rows = (await Store().ReadAllAsync(CancellationToken.None)).Members;
        Assert.Equal(MemberStatus.Up, rows.Single(m => m.Node == restarted.Self).Status);
        Assert.Contains(rows.Single(m => m.Node == old.Self).Status, new[] { MemberStatus.Down, MemberStatus.Removed });
        var events = new List<ClusterEvent>();
        using var _ = a.Subscribe(events.Add);
        await a.RefreshAsync(CancellationToken.None);
        Assert.Contains(events, e => e is MemberRemoved r && r.Member.Node == old.Self);
        Assert.DoesNotContain(a.State.Members, m => m.Node == old.Self);
    }

    [Fact]
    public async Task A_graceful_leave_goes_through_leaving_and_exiting_to_removed_and_moves_the_oldest()
    {
        var a = await JoinAsync(1);
        var b = await JoinAsync(2);
        var events = new List<ClusterEvent>();
        using var _ = b.Subscribe(events.Add);
        var handedOver = false;
        await a.LeaveAsync(async ct =>
        {
            handedOver = true;
            await b.RefreshAsync(ct); // b sees a Leaving during the hand-over
        }, CancellationToken.None);
        await b.RefreshAsync(CancellationToken.None);

        Assert.True(handedOver);
        Assert.Equal(MemberStatus.Removed, Row(await Store().ReadAllAsync(CancellationToken.None), a.Self).Status);
        var aEvents = events.OfType<MemberEvent>().Where(e => e.Member.Node == a.Self).ToList();
        Assert.IsType<MemberLeft>(aEvents[0]);
        // b read a Leaving, then Removed: it missed Exiting, and reports it before the removal (Akka's semantics:
        // a removal's previous status is Exiting after a leave, Down after a failure)
        Assert.IsType<MemberExited>(aEvents[1]);
        Assert.Equal(MemberStatus.Exiting, Assert.IsType<MemberRemoved>(aEvents[2]).PreviousStatus);
        Assert.Contains(events, e => e is OldestChanged { Role: null } o && o.Oldest!.Node == b.Self);
        Assert.False(a.Fenced.IsCompleted);
    }

    [Fact]
    public async Task A_node_already_marked_down_does_not_write_itself_back_to_leaving()
    {
        var a = await JoinAsync(1);
        var store = Store();
        var snapshot = await store.ReadAllAsync(CancellationToken.None);
        Assert.True(await store.TryUpdateStatusAsync(a.Self, MemberStatus.Down, DateTimeOffset.UtcNow, snapshot.Version, CancellationToken.None));
        var handedOver = false;
        await a.LeaveAsync(_ => { handedOver = true; return Task.CompletedTask; }, CancellationToken.None);
        Assert.False(handedOver);
        Assert.Equal(MemberStatus.Down, Row(await store.ReadAllAsync(CancellationToken.None), a.Self).Status);
    }

    [Fact]
    public void Required_votes_follow_the_orleans_rule()
    {
        var settings = new MembershipSettings();
        Assert.Equal([1, 1, 2, 2, 2], new[] { 1, 2, 3, 4, 10 }.Select(settings.RequiredVotes));
        Assert.Equal(3, (settings with { VotesNeeded = 3 }).RequiredVotes(10));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents) await agent.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
