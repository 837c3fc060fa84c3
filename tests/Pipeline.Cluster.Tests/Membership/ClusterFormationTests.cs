using System.Collections.Concurrent;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.FailureDetection;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Cluster.Membership.Store;
using Pipeline.Cluster.Tests.Support;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.TestKit;

namespace Pipeline.Cluster.Tests.Membership;

/// <summary>In-process nodes over real loopback TCP that find each other through the membership store only.</summary>
public sealed class ClusterFormationTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-formation-").FullName;
    private readonly string _cluster = "f" + Guid.NewGuid().ToString("N")[..10];
    private readonly List<ClusterNode> _nodes = [];
    private readonly List<IAsyncDisposable> _stores = [];

    private sealed class Node(ClusterNode cluster, RecordingHandler handler, ConcurrentQueue<ClusterEvent> events)
    {
        public ClusterNode Cluster { get; } = cluster;
        public RecordingHandler Handler { get; } = handler;
        public ConcurrentQueue<ClusterEvent> Events { get; } = events;
        public UniqueAddress Self => Cluster.Self;

        public IEnumerable<UniqueAddress> Up => Cluster.Membership.State.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Node);
    }

    private IMembershipStore Store(string provider)
    {
        if (provider == "sqlite") return new SqliteMembershipStore(Path.Combine(_directory, "m.db"), _cluster);
        var store = new PostgresMembershipStore(PostgresTestDatabase.ConnectionString, _cluster);
        _stores.Add(store);
        return store;
    }

    private static ClusterNodeSettings Fast(string cluster) => new()
    {
        Transport = TestTransports.Settings() with { SystemName = cluster },
        Membership = LoopbackClusterSettings.FastMembership,
        // heartbeats every 100 ms; the acceptable pause (1 s, as in the other loopback clusters) stretches with
        // PIPELINE_TEST_TIME_FACTOR: with a fixed 500 ms, a survivor whose threads the other tests held up that long
        // on two busy cores could be voted Down (and fence itself) before the node the test kills
        FailureDetector = LoopbackClusterSettings.FastFailureDetector(TimeSpan.FromSeconds(1)),
    };

    /// <summary>What each node saw, for a failed wait's message: fenced or not, its members, its events.</summary>
    private static string Describe(params Node[] nodes) => string.Join(" | ", nodes.Select(n =>
        $"{n.Self}: fenced={n.Events.OfType<NodeFenced>().FirstOrDefault()?.Reason ?? "no"}; " +
        $"members {string.Join(", ", n.Cluster.Membership.State.Members.Select(m => $"{m.Node.Address.Port}:{m.Status}"))}; " +
        $"events {string.Join(", ", n.Events.Select(e => e.GetType().Name))}"));

    private async Task<Node> StartNodeAsync(string provider)
    {
        var handler = new RecordingHandler();
        var cluster = new ClusterNode(Fast(_cluster), Store(provider), handler);
        _nodes.Add(cluster);
        await cluster.StartAsync(CancellationToken.None);
        var events = new ConcurrentQueue<ClusterEvent>();
        cluster.Membership.Subscribe(events.Enqueue);
        return new Node(cluster, handler, events);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Three_nodes_form_a_cluster_from_the_store_alone_and_a_killed_one_is_removed(string provider)
    {
        var a = await StartNodeAsync(provider);
        var b = await StartNodeAsync(provider);
        var c = await StartNodeAsync(provider);
        Node[] all = [a, b, c];

        await Eventually.True(() => all.All(n => n.Up.Count() == 3), "every node sees three Up members");
        await Eventually.True(() => all.All(n => n.Cluster.Transport.Associated.Count == 2), "full mesh of connections");
        Assert.All(all, n => Assert.Equal(a.Self, n.Cluster.Membership.State.OldestByRole[""].Node));

        // the nodes talk over the connections the membership made
        c.Cluster.Transport.Send(a.Self.Address, new OutboundMessage("/user/a", "/user/c", 1, "hello", new byte[] { 7 }));
        await Eventually.True(() => a.Handler.Count == 1, "message from c to a");

        // kill a (no leave): b and c vote it Down, remove it, and the oldest moves to b
        await a.Cluster.DisposeAsync();
        await Eventually.True(() => new[] { b, c }.All(n => n.Events.Any(e => e is MemberRemoved r && r.Member.Node == a.Self && r.PreviousStatus == MemberStatus.Down)),
            "MemberRemoved for the killed node on both survivors", () => Describe(b, c), TimeSpan.FromSeconds(30));
        Assert.All(new[] { b, c }, n => Assert.Contains(n.Events, e => e is UnreachableMember u && u.Member.Node == a.Self));
        Assert.All(new[] { b, c }, n => Assert.Contains(n.Events, e => e is OldestChanged { Role: null } o && o.Oldest?.Node == b.Self));
        Assert.False(b.Cluster.Membership.Fenced.IsCompleted);
        Assert.False(c.Cluster.Membership.Fenced.IsCompleted);
    }

    [Fact]
    public async Task A_node_cut_off_from_its_peers_is_voted_down_and_fences_itself()
    {
        var a = await StartNodeAsync("sqlite");
        var b = await StartNodeAsync("sqlite");
        var c = await StartNodeAsync("sqlite");
        await Eventually.True(() => new[] { a, b, c }.All(n => n.Up.Count() == 3), "cluster formed");

        c.Cluster.Transport.SetBlackhole(true);

        var fenced = await c.Cluster.Membership.Fenced.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("Down", fenced.Reason);
        await Eventually.True(() => new[] { a, b }.All(n => n.Events.Any(e => e is MemberDowned d && d.Member.Node == c.Self)), "survivors see c Down");
        Assert.False(a.Cluster.Membership.Fenced.IsCompleted);
        Assert.False(b.Cluster.Membership.Fenced.IsCompleted);
    }

    [Fact]
    public async Task A_restarted_node_rejoins_as_a_new_incarnation()
    {
        var a = await StartNodeAsync("sqlite");
        var b = await StartNodeAsync("sqlite");
        await Eventually.True(() => a.Up.Count() == 2, "two nodes Up");
        var port = b.Self.Address.Port;
        await b.Cluster.DisposeAsync();

        var handler = new RecordingHandler();
        var settings = Fast(_cluster);
        var restarted = new ClusterNode(settings with { Transport = settings.Transport with { Port = port } }, Store("sqlite"), handler);
        _nodes.Add(restarted);
        await restarted.StartAsync(CancellationToken.None);

        Assert.NotEqual(b.Self.Uid, restarted.Self.Uid);
        await Eventually.True(() => a.Events.Any(e => e is MemberRemoved r && r.Member.Node == b.Self), "old incarnation removed");
        await Eventually.True(() => a.Up.Contains(restarted.Self), "new incarnation Up");
        a.Cluster.Transport.Send(restarted.Self.Address, new OutboundMessage("/user/b", null, 1, "", new byte[] { 1 }));
        await Eventually.True(() => handler.Count == 1, "traffic reaches the new incarnation");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        foreach (var store in _stores) await store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
