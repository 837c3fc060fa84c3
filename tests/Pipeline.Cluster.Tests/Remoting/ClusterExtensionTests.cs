using Pipeline.Cluster.Extension;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.Tests.Remoting;

/// <summary>The cluster extension of an actor system: start, events, subscriptions, leave, settings.</summary>
public sealed class ClusterExtensionTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ClusterSystems _cluster = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Start_makes_the_system_address_public_and_the_node_up()
    {
        var (system, cluster) = await _cluster.StartAsync();

        Assert.Same(cluster, ClusterExtension.Get(system));
        Assert.Equal("127.0.0.1", system.Address.Host);
        Assert.Equal(cluster.SelfAddress.Address.Port, system.Address.Port);
        Assert.Equal(MemberStatus.Up, cluster.SelfMember!.Status);
        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => ClusterExtension.StartAsync(system, _cluster.Settings));
        Assert.Contains("already has a cluster", again.Message);
    }

    [Fact]
    public async Task A_snapshot_subscriber_gets_the_current_state_first_then_member_events()
    {
        var (a, clusterA) = await _cluster.StartAsync();
        var (_, clusterB) = await _cluster.StartAsync();
        await Eventually(() => clusterA.Members.Count(m => m.Status == MemberStatus.Up) == 2);
        var inbox = new Inbox(a, "events");

        clusterA.Subscribe(inbox.Ref, InitialStateMode.AsSnapshot, typeof(MemberEvent));

        var state = await inbox.ExpectAsync<CurrentClusterState>();
        Assert.Equal(new[] { clusterA.SelfAddress, clusterB.SelfAddress }.Order(Comparer), state.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Node).Order(Comparer));
        var (_, clusterC) = await _cluster.StartAsync();
        var up = await inbox.FishAsync<MemberUp>(e => e.Member.Node == clusterC.SelfAddress);
        Assert.Equal(MemberStatus.Up, up.Member.Status);
    }

    [Fact]
    public async Task An_events_subscriber_gets_the_state_as_events_of_its_types_only_and_unsubscribe_stops_them()
    {
        var (a, clusterA) = await _cluster.StartAsync();
        var (_, clusterB) = await _cluster.StartAsync();
        await Eventually(() => clusterA.Members.Count(m => m.Status == MemberStatus.Up) == 2);
        var inbox = new Inbox(a, "events");

        clusterA.Subscribe(inbox.Ref, InitialStateMode.AsEvents, typeof(MemberUp));

        var first = await inbox.ExpectAsync<MemberUp>();
        var second = await inbox.ExpectAsync<MemberUp>();
        Assert.Equal(new[] { clusterA.SelfAddress, clusterB.SelfAddress }.Order(Comparer), new[] { first.Member.Node, second.Member.Node }.Order(Comparer));
        await inbox.ExpectNothingAsync(TimeSpan.FromMilliseconds(300));

        clusterA.Unsubscribe(inbox.Ref);
        await _cluster.StartAsync();
        await inbox.ExpectNothingAsync(TimeSpan.FromMilliseconds(800));
    }

    [Fact]
    public async Task Cluster_events_are_published_on_the_event_stream_and_a_graceful_leave_removes_the_member()
    {
        var (a, clusterA) = await _cluster.StartAsync();
        var (b, clusterB) = await _cluster.StartAsync();
        var removed = new TaskCompletionSource<MemberRemoved>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = a.EventStream.Subscribe<MemberRemoved>(e => removed.TrySetResult(e));
        await Eventually(() => clusterA.Members.Count(m => m.Status == MemberStatus.Up) == 2);

        await clusterB.LeaveAsync();

        var e = await removed.Task.WaitAsync(ClusterTestSettings.Dilated(TimeSpan.FromSeconds(20)));
        Assert.Equal(clusterB.SelfAddress, e.Member.Node);
        Assert.NotEqual(MemberStatus.Down, e.PreviousStatus); // graceful (the view may skip Leaving/Exiting between two reads)
        await b.WhenTerminated.WaitAsync(ClusterTestSettings.Dilated(TimeSpan.FromSeconds(20)));
        Assert.DoesNotContain(clusterA.Members, m => m.Node == clusterB.SelfAddress && m.Status.IsLive());
    }

    [Theory]
    [InlineData(null, 0, "x.db", "Secret is missing")]
    [InlineData("s", 70000, "x.db", "Port is 70000")]
    [InlineData("s", 0, "", "StoreConnectionString is empty")]
    public async Task Bad_settings_fail_at_start_naming_the_setting(string? secret, int port, string store, string expected)
    {
        await using var system = ActorSystem.Create(_cluster.Name);
        var settings = _cluster.Settings with { Secret = secret, Port = port, StoreConnectionString = store };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ClusterExtension.StartAsync(system, settings));

        Assert.Contains(expected, error.Message);
        Assert.Throws<InvalidOperationException>(() => ClusterExtension.Get(system));
    }

    private static readonly Comparer<Addressing.UniqueAddress> Comparer = Comparer<Addressing.UniqueAddress>.Create((x, y) => x.Uid.CompareTo(y.Uid));

    private static Task Eventually(Func<bool> condition) => Support.Eventually.True(condition, "cluster converged");
}
