using System.Collections.Concurrent;
using System.Diagnostics;
using Pipeline.Cluster.Extension;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Singleton;
using Pipeline.Cluster.Tests.Remoting;
using Pipeline.Cluster.Tests.Support;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;

namespace Pipeline.Cluster.Tests.Singleton;

/// <summary>Singleton manager and proxy across actor systems of one cluster in this process.</summary>
public sealed class SingletonTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ClusterSystems _cluster = new(output);
    private readonly ConcurrentQueue<(string What, string Node, long At)> _activations = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.DisposeAsync();

    private sealed class Recorded : ReceiveActor
    {
        private readonly ConcurrentQueue<(string, string, long)> _log;
        private readonly string _node;

        public Recorded(ConcurrentQueue<(string, string, long)> log, string node)
        {
            _log = log;
            _node = node;
            Receive<Ping>(p => Reply(new Pong(p.Text, _node)));
        }

        protected override void PreStart() => _log.Enqueue(("start", _node, Stopwatch.GetTimestamp()));

        protected override void PostStop() => _log.Enqueue(("stop", _node, Stopwatch.GetTimestamp()));
    }

    private Task<(ActorSystem System, ClusterExtension Cluster)> StartNodeAsync(string name, ClusterSingletonSettings settings, params string[] roles) =>
        StartNodeAsync(name, settings, s => s with { Membership = s.Membership with { Roles = roles } });

    private async Task<(ActorSystem System, ClusterExtension Cluster)> StartNodeAsync(string name, ClusterSingletonSettings settings, Func<ClusterSettings, ClusterSettings> tweak)
    {
        var (system, cluster) = await _cluster.StartAsync(tweak);
        var log = _activations;
        system.ActorOf(ClusterSingletonManager.Props(Props.Create(() => new Recorded(log, name)), settings), "manager");
        return (system, cluster);
    }

    [Fact]
    public async Task The_singleton_runs_on_the_oldest_member_with_the_role_and_the_proxy_buffers_until_it_exists()
    {
        var settings = new ClusterSingletonSettings { Role = "worker", BufferSize = 2 };
        var (a, _) = await StartNodeAsync("a", settings);
        var deadLetters = new ConcurrentQueue<DeadLetter>();
        using var sub = a.EventStream.Subscribe<DeadLetter>(deadLetters.Enqueue);
        var proxy = a.ActorOf(ClusterSingletonProxy.Props("/user/manager", settings), "proxy");
        var inbox = new Inbox(a, "inbox");

        foreach (var text in new[] { "one", "two", "three" }) proxy.Tell(new Ping(text), inbox.Ref);
        await Eventually.True(() => deadLetters.Any(d => d.Message is Ping { Text: "one" }), "the oldest buffered message dropped");
        Assert.Contains("buffer full", deadLetters.First(d => d.Message is Ping).Reason);
        Assert.Empty(_activations); // no member has the role

        await StartNodeAsync("b", settings, "worker");

        Assert.Equal(new Pong("two", "b"), await inbox.ExpectAsync<Pong>(TimeSpan.FromSeconds(20)));
        Assert.Equal(new Pong("three", "b"), await inbox.ExpectAsync<Pong>());
        Assert.Equal([("start", "b")], _activations.Select(x => (x.What, x.Node)));
    }

    [Fact]
    public async Task A_leaving_oldest_hands_the_singleton_over_and_the_two_never_overlap()
    {
        var settings = new ClusterSingletonSettings();
        var (a, clusterA) = await StartNodeAsync("a", settings);
        var (b, clusterB) = await StartNodeAsync("b", settings);
        await Eventually.True(() => clusterB.Members.Count(m => m.Status == MemberStatus.Up) == 2, "b sees both up");
        var proxy = b.ActorOf(ClusterSingletonProxy.Props("/user/manager", settings), "proxy");
        var inbox = new Inbox(b, "inbox");
        proxy.Tell(new Ping("before"), inbox.Ref);
        Assert.Equal(new Pong("before", "a"), await inbox.ExpectAsync<Pong>(TimeSpan.FromSeconds(20)));

        await clusterA.LeaveAsync();
        await a.WhenTerminated;

        // until b's proxy sees the hand-over, it may still send to a's stopped singleton (at most once: lost)
        await Eventually.True(async () =>
        {
            try
            {
                return await proxy.Ask<Pong>(new Ping("after"), TimeSpan.FromMilliseconds(500)) == new Pong("after", "b");
            }
            catch (AskTimeoutException)
            {
                return false;
            }
        }, "the singleton on b answers through the proxy");
        var log = _activations.ToArray();
        Assert.Equal([("start", "a"), ("stop", "a"), ("start", "b")], log.Select(x => (x.What, x.Node)));
        Assert.True(log[2].At > log[1].At);
    }

    [Fact]
    public async Task A_node_that_cannot_read_the_store_stops_its_singleton_before_another_takes_over()
    {
        var settings = new ClusterSingletonSettings { MembershipStaleAfter = TimeSpan.FromMilliseconds(600) };
        var store = new UnreachableStore(new Pipeline.Cluster.Membership.Store.SqliteMembershipStore(_cluster.StoreFile, _cluster.Name));
        var (a, clusterA) = await StartNodeAsync("a", settings, s => s with { Store = store });
        // b removes a Down member only after a second: a's stale view (600 ms) stops its singleton well before
        var (_, clusterB) = await StartNodeAsync("b", settings, s => s with { Membership = s.Membership with { DownRemovalGrace = TimeSpan.FromSeconds(1) } });
        await Eventually.True(() => clusterB.Members.Count(m => m.Status == MemberStatus.Up) == 2, "b sees both up");
        await Eventually.True(() => _activations.Any(x => x is ("start", "a", _)), "the singleton on a");

        store.Unreachable = true;
        clusterA.Node.Transport.SetBlackhole(true);

        await Eventually.True(() => _activations.Any(x => x is ("start", "b", _)), "the take-over by b", TimeSpan.FromSeconds(30));
        var log = _activations.ToArray();
        var stopA = Array.FindLastIndex(log, x => x is ("stop", "a", _));
        var startB = Array.FindIndex(log, x => x is ("start", "b", _));
        Assert.True(stopA >= 0 && stopA < startB, "a must stop its singleton before b starts one: " + string.Join(", ", log.Select(x => $"{x.What} {x.Node}")));
        Assert.True(log[startB].At > log[stopA].At);

        // once a reads the store again it finds itself Down and shuts down
        store.Unreachable = false;
        var fenced = await clusterA.Fenced.WaitAsync(ClusterTestSettings.Dilated(TimeSpan.FromSeconds(20)));
        Assert.Contains("cluster", fenced.Reason);
        await a.WhenTerminated.WaitAsync(ClusterTestSettings.Dilated(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain(_activations.SkipWhile(x => x is not ("start", "b", _)), x => x.Node == "a" && x.What == "start");
    }
}
