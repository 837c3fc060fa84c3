using System.Collections.Concurrent;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Cluster.Membership.Store;
using Pipeline.Cluster.Tests.Support;

namespace Pipeline.Cluster.Tests.Membership;

/// <summary>PostgreSQL announces every membership change (NOTIFY), and agents read the table when it does.</summary>
public sealed class MembershipChangeFeedTests : IAsyncLifetime
{
    private readonly string _cluster = "feed" + Guid.NewGuid().ToString("N")[..10];
    private readonly List<PostgresMembershipStore> _stores = [];
    private readonly List<MembershipAgent> _agents = [];
    private readonly CancellationTokenSource _stop = new();

    private sealed class NoConnector : IMemberConnector
    {
        public Task ConnectAsync(Member member, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private async Task<PostgresMembershipStore> StoreAsync(string cluster)
    {
        var store = new PostgresMembershipStore(PostgresTestDatabase.ConnectionString, cluster);
        _stores.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    [Fact]
    public async Task A_committed_change_is_announced_to_the_listeners_of_its_cluster_only()
    {
        var listener = await StoreAsync(_cluster);
        var otherCluster = await StoreAsync(_cluster + "x");
        var writer = await StoreAsync(_cluster);
        var heard = 0;
        var heardByOther = 0;
        var listening = listener.ListenAsync(() => Interlocked.Increment(ref heard), _stop.Token);
        var otherListening = otherCluster.ListenAsync(() => Interlocked.Increment(ref heardByOther), _stop.Token);
        await Eventually.True(() => Volatile.Read(ref heard) >= 1 && Volatile.Read(ref heardByOther) >= 1, "both listening (one call when listening starts)");

        var now = DateTimeOffset.UtcNow;
        var member = new Member
        {
            Node = new UniqueAddress(new NodeAddress(_cluster, "127.0.0.1", 1), 1), Status = MemberStatus.Joining,
            StartedAt = now, IAmAliveAt = now, StatusChangedAt = now,
        };
        var version = (await writer.ReadAllAsync(CancellationToken.None)).Version;
        Assert.True(await writer.TryRegisterAsync(member, version, CancellationToken.None));
        // a write that loses its compare-and-swap changes nothing and announces nothing
        Assert.False(await writer.TryUpdateStatusAsync(member.Node, MemberStatus.Up, now, version, CancellationToken.None));

        await Eventually.True(() => Volatile.Read(ref heard) >= 2, "the registration announced");
        await writer.UpdateIAmAliveAsync(member.Node, DateTimeOffset.UtcNow, CancellationToken.None); // not a membership change
        Assert.True(await writer.TryUpdateStatusAsync(member.Node, MemberStatus.Up, now, version + 1, CancellationToken.None));
        await Eventually.True(() => Volatile.Read(ref heard) >= 3, "the status change announced");
        Assert.Equal(3, Volatile.Read(ref heard));
        Assert.Equal(1, Volatile.Read(ref heardByOther));
        Assert.False(listening.IsCompleted || otherListening.IsCompleted);
    }

    [Fact]
    public async Task An_agent_reads_another_nodes_change_without_waiting_for_its_refresh()
    {
        var hourly = new MembershipSettings { RefreshInterval = TimeSpan.FromHours(1) };
        var a = new MembershipAgent(await StoreAsync(_cluster), new UniqueAddress(new NodeAddress(_cluster, "127.0.0.1", 1), 1), hourly, new NoConnector());
        _agents.Add(a);
        await a.JoinAsync(CancellationToken.None);
        var events = new ConcurrentQueue<ClusterEvent>();
        using var _ = a.Subscribe(events.Enqueue);

        var b = new MembershipAgent(await StoreAsync(_cluster), new UniqueAddress(new NodeAddress(_cluster, "127.0.0.1", 2), 2), hourly, new NoConnector());
        _agents.Add(b);
        await b.JoinAsync(CancellationToken.None);

        // a never refreshes on its own within the test: only the NOTIFY of b's writes can tell it
        await Eventually.True(() => events.Any(e => e is MemberUp up && up.Member.Node == b.Self), "a seeing b Up through the change feed");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var agent in _agents) await agent.DisposeAsync();
        foreach (var store in _stores) await store.DisposeAsync();
        _stop.Dispose();
    }
}
