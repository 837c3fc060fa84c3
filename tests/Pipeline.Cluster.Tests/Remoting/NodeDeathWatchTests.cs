using Pipeline.Cluster.Extension;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Tests.Support;
using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.Tests.Remoting;

/// <summary>Remote death watch when the watched actor's whole node goes away.</summary>
public sealed class NodeDeathWatchTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ClusterSystems _cluster = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_node_that_leaves_terminates_every_watched_actor_on_it_with_address_terminated()
    {
        var (a, clusterA) = await _cluster.StartAsync();
        var (b, _) = await _cluster.StartAsync();
        await Eventually.True(() => clusterA.Members.Count(m => m.Status == MemberStatus.Up) == 2, "a sees b up");
        var one = b.ActorOf(Props.Create(() => new SilentActor()), "one");
        var two = b.ActorOf(Props.Create(() => new SilentActor()), "two");
        var inbox = new Inbox(a, "watcher");
        inbox.Ref.Tell(new WatchIt(a.Resolve(one.Path.ToStringWithAddress(b.Address))));
        inbox.Ref.Tell(new WatchIt(a.Resolve(two.Path.ToStringWithAddress(b.Address))));
        await Eventually.True(() => ClusterExtension.Get(a).Remote.WatchedRemoteActors == 2, "watches registered");

        await b.Terminate();

        var first = await inbox.ExpectAsync<Terminated>(TimeSpan.FromSeconds(20));
        var second = await inbox.ExpectAsync<Terminated>(TimeSpan.FromSeconds(5));
        Assert.Equal(["one", "two"], new[] { first.ActorRef.Path.Name, second.ActorRef.Path.Name }.Order());
        Assert.True(first.AddressTerminated && second.AddressTerminated);
        await inbox.ExpectNothingAsync(TimeSpan.FromMilliseconds(500));

        // a watch made after the node is gone is answered at once
        var late = a.Resolve(one.Path.ToStringWithAddress(b.Address));
        inbox.Ref.Tell(new WatchIt(late));
        var lateTerminated = await inbox.ExpectAsync<Terminated>();
        Assert.Equal(late, lateTerminated.ActorRef);
        Assert.True(lateTerminated.AddressTerminated);
    }

    [Fact]
    public async Task A_node_cut_off_from_its_peers_is_voted_down_its_watchers_get_terminated_and_it_shuts_itself_down()
    {
        var (a, clusterA) = await _cluster.StartAsync();
        var (b, _) = await _cluster.StartAsync();
        var (c, clusterC) = await _cluster.StartAsync();
        var target = c.ActorOf(Props.Create(() => new SilentActor()), "target");
        var inbox = new Inbox(a, "watcher");
        inbox.Ref.Tell(new WatchIt(a.Resolve(target.Path.ToStringWithAddress(c.Address))));
        await Eventually.True(() => clusterA.Remote.WatchedRemoteActors == 1, "watch registered");
        await Eventually.True(() => clusterA.Members.Count(m => m.Status == MemberStatus.Up) == 3, "three members up");

        clusterC.Node.Transport.SetBlackhole(true);

        var terminated = await inbox.ExpectAsync<Terminated>(TimeSpan.FromSeconds(30));
        Assert.Equal(target.Path.ToStringWithAddress(c.Address), terminated.ActorRef.Path.ToString());
        Assert.True(terminated.AddressTerminated);
        var fenced = await clusterC.Fenced.WaitAsync(ClusterTestSettings.Dilated(TimeSpan.FromSeconds(20)));
        Assert.Contains("Down", fenced.Reason);
        // fencing runs the coordinated shutdown, which terminates the cut-off system by itself
        await c.WhenTerminated.WaitAsync(ClusterTestSettings.Dilated(TimeSpan.FromSeconds(30)));
        Assert.Contains("fenced", c.CoordinatedShutdown.Reason!.Description);
        Assert.False(b.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task A_node_restarted_on_the_same_address_terminates_the_watches_of_its_previous_incarnation()
    {
        var (a, clusterA) = await _cluster.StartAsync();
        var (b, clusterB) = await _cluster.StartAsync();
        var oldIncarnation = clusterB.SelfAddress;
        await Eventually.True(() => clusterA.Members.Count(m => m.Status == MemberStatus.Up) == 2, "a sees b up");
        var target = b.ActorOf(Props.Create(() => new SilentActor()), "target");
        var inbox = new Inbox(a, "watcher");
        inbox.Ref.Tell(new WatchIt(a.Resolve(target.Path.ToStringWithAddress(b.Address))));
        await Eventually.True(() => clusterA.Remote.WatchedRemoteActors == 1, "watch registered");

        // b's node dies without leaving (its process would be gone), and a new incarnation starts on its port
        await clusterB.Node.DisposeAsync();
        var (_, reborn) = await _cluster.StartAsync(s => s with { Port = oldIncarnation.Address.Port });

        Assert.Equal(oldIncarnation.Address, reborn.SelfAddress.Address);
        var terminated = await inbox.ExpectAsync<Terminated>(TimeSpan.FromSeconds(20));
        Assert.Equal(target.Path.ToStringWithAddress(b.Address), terminated.ActorRef.Path.ToString());
        Assert.True(terminated.AddressTerminated);
        await Eventually.True(() => clusterA.Members.Any(m => m.Node == reborn.SelfAddress && m.Status == MemberStatus.Up), "a sees the new incarnation up");
        var echo = a.Resolve(reborn.System.Address + "/user/echo");
        reborn.System.ActorOf(Props.Create(() => new EchoActor()), "echo");
        Assert.Equal(new Pong("new", "echo"), await Pipeline.Runtime.Patterns.AskExtensions.Ask<Pong>(echo, new Ping("new"), TimeSpan.FromSeconds(10)));
    }
}
