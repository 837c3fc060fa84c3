using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Store;

namespace Pipeline.Cluster.Tests.Membership;

/// <summary>The behaviour every membership store provider must show; one subclass per provider.</summary>
public abstract class MembershipStoreContract
{
    /// <summary>A fresh, initialized store for a cluster no other test uses.</summary>
    protected abstract Task<IMembershipStore> CreateStoreAsync(string cluster);

    protected static string NewClusterName() => "c" + Guid.NewGuid().ToString("N")[..12];

    protected static DateTimeOffset Now => DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    protected static Member NewMember(string cluster, int port, long uid, MemberStatus status = MemberStatus.Joining) => new()
    {
        Node = new UniqueAddress(new NodeAddress(cluster, "127.0.0.1", port), uid),
        Status = status,
        Roles = ["ingest", "gpu"],
        AppVersion = "1.2.3",
        StartedAt = Now,
        IAmAliveAt = Now,
        StatusChangedAt = Now,
    };

    [Fact]
    public async Task A_registered_member_reads_back_with_every_field_and_the_version_moves()
    {
        var cluster = NewClusterName();
        var store = await CreateStoreAsync(cluster);
        var empty = await store.ReadAllAsync(CancellationToken.None);
        Assert.Empty(empty.Members);

        var member = NewMember(cluster, 2551, 77);
        Assert.True(await store.TryRegisterAsync(member, empty.Version, CancellationToken.None));

        var snapshot = await store.ReadAllAsync(CancellationToken.None);
        Assert.Equal(empty.Version + 1, snapshot.Version);
        var read = Assert.Single(snapshot.Members);
        Assert.Equal(member.Node, read.Node);
        Assert.Equal(MemberStatus.Joining, read.Status);
        Assert.Equal(["ingest", "gpu"], read.Roles);
        Assert.Equal("1.2.3", read.AppVersion);
        Assert.Equal(member.StartedAt, read.StartedAt);
        Assert.Equal(member.IAmAliveAt, read.IAmAliveAt);
        Assert.Empty(read.Suspicions);
    }

    [Fact]
    public async Task A_write_based_on_a_stale_version_fails_and_changes_nothing()
    {
        var cluster = NewClusterName();
        var store = await CreateStoreAsync(cluster);
        var v0 = (await store.ReadAllAsync(CancellationToken.None)).Version;
        var a = NewMember(cluster, 1, 1);
        var b = NewMember(cluster, 2, 2);
        Assert.True(await store.TryRegisterAsync(a, v0, CancellationToken.None));
        Assert.False(await store.TryRegisterAsync(b, v0, CancellationToken.None));
        Assert.False(await store.TryUpdateStatusAsync(a.Node, MemberStatus.Up, Now, v0, CancellationToken.None));
        Assert.False(await store.TryAddSuspicionAsync(a.Node, new SuspicionVote(b.Node, Now), v0, CancellationToken.None));

        var snapshot = await store.ReadAllAsync(CancellationToken.None);
        Assert.Equal(v0 + 1, snapshot.Version);
        var only = Assert.Single(snapshot.Members);
        Assert.Equal((a.Node, MemberStatus.Joining), (only.Node, only.Status));
        Assert.Empty(only.Suspicions);
    }

    [Fact]
    public async Task Concurrent_compare_and_swaps_on_one_version_let_exactly_one_win()
    {
        var cluster = NewClusterName();
        var store = await CreateStoreAsync(cluster);
        var v0 = (await store.ReadAllAsync(CancellationToken.None)).Version;
        var target = NewMember(cluster, 1, 1);
        Assert.True(await store.TryRegisterAsync(target, v0, CancellationToken.None));
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => store.TryAddSuspicionAsync(target.Node, new SuspicionVote(NewMember(cluster, 100 + i, 100 + i).Node, Now), v0 + 1, CancellationToken.None))));
        Assert.Equal(1, results.Count(r => r));
        var snapshot = await store.ReadAllAsync(CancellationToken.None);
        Assert.Equal(v0 + 2, snapshot.Version);
        Assert.Single(Assert.Single(snapshot.Members).Suspicions);
    }

    [Fact]
    public async Task Becoming_up_records_the_up_number_and_status_time()
    {
        var cluster = NewClusterName();
        var store = await CreateStoreAsync(cluster);
        var v = (await store.ReadAllAsync(CancellationToken.None)).Version;
        var a = NewMember(cluster, 1, 1);
        var b = NewMember(cluster, 2, 2);
        Assert.True(await store.TryRegisterAsync(a, v++, CancellationToken.None));
        Assert.True(await store.TryRegisterAsync(b, v++, CancellationToken.None));
        var at = Now.AddSeconds(5);
        Assert.True(await store.TryUpdateStatusAsync(b.Node, MemberStatus.Up, at, v++, CancellationToken.None));
        Assert.True(await store.TryUpdateStatusAsync(a.Node, MemberStatus.Up, at, v++, CancellationToken.None));
        Assert.True(await store.TryUpdateStatusAsync(a.Node, MemberStatus.Leaving, at, v++, CancellationToken.None));

        var members = (await store.ReadAllAsync(CancellationToken.None)).Members.ToDictionary(m => m.Node);
        Assert.True(members[b.Node].UpNumber < members[a.Node].UpNumber);
        Assert.Equal(MemberStatus.Leaving, members[a.Node].Status);
        Assert.Equal(at, members[a.Node].StatusChangedAt);
    }

    [Fact]
    public async Task Each_status_change_keeps_the_status_before_it_so_a_removal_tells_down_from_exiting()
    {
        var cluster = NewClusterName();
        var store = await CreateStoreAsync(cluster);
        var v = (await store.ReadAllAsync(CancellationToken.None)).Version;
        var crashed = NewMember(cluster, 1, 1);
        var leaver = NewMember(cluster, 2, 2);
        Assert.True(await store.TryRegisterAsync(crashed, v++, CancellationToken.None));
        Assert.True(await store.TryRegisterAsync(leaver, v++, CancellationToken.None));
        Assert.Null((await store.ReadAllAsync(CancellationToken.None)).Members.Single(m => m.Node == crashed.Node).PreviousStatus);
        foreach (var status in new[] { MemberStatus.Up, MemberStatus.Down, MemberStatus.Removed })
            Assert.True(await store.TryUpdateStatusAsync(crashed.Node, status, Now, v++, CancellationToken.None));
        foreach (var status in new[] { MemberStatus.Up, MemberStatus.Leaving, MemberStatus.Exiting, MemberStatus.Removed })
            Assert.True(await store.TryUpdateStatusAsync(leaver.Node, status, Now, v++, CancellationToken.None));

        var members = (await store.ReadAllAsync(CancellationToken.None)).Members.ToDictionary(m => m.Node);
        Assert.Equal((MemberStatus.Removed, MemberStatus.Down), (members[crashed.Node].Status, members[crashed.Node].PreviousStatus));
        Assert.Equal((MemberStatus.Removed, MemberStatus.Exiting), (members[leaver.Node].Status, members[leaver.Node].PreviousStatus));
    }

    [Fact]
    public async Task A_vote_keeps_whether_the_voter_saw_the_process_gone()
    {
        var cluster = NewClusterName();
        var store = await CreateStoreAsync(cluster);
        var v = (await store.ReadAllAsync(CancellationToken.None)).Version;
        var target = NewMember(cluster, 1, 1);
        var voterA = NewMember(cluster, 2, 2).Node;
        var voterB = NewMember(cluster, 3, 3).Node;
        Assert.True(await store.TryRegisterAsync(target, v++, CancellationToken.None));
        Assert.True(await store.TryAddSuspicionAsync(target.Node, new SuspicionVote(voterA, Now, ProcessGone: true), v++, CancellationToken.None));
        Assert.True(await store.TryAddSuspicionAsync(target.Node, new SuspicionVote(voterB, Now), v++, CancellationToken.None));

        var votes = Assert.Single((await store.ReadAllAsync(CancellationToken.None)).Members).Suspicions.ToDictionary(x => x.Voter);
        Assert.True(votes[voterA].ProcessGone);
        Assert.False(votes[voterB].ProcessGone);
    }

    [Fact]
    public async Task A_voter_has_one_vote_per_member_refreshed_in_place()
    {
        var cluster = NewClusterName();
        var store = await CreateStoreAsync(cluster);
        var v = (await store.ReadAllAsync(CancellationToken.None)).Version;
        var target = NewMember(cluster, 1, 1);
        var voterA = NewMember(cluster, 2, 2).Node;
        var voterB = NewMember(cluster, 3, 3).Node;
        Assert.True(await store.TryRegisterAsync(target, v++, CancellationToken.None));
        Assert.True(await store.TryAddSuspicionAsync(target.Node, new SuspicionVote(voterA, Now), v++, CancellationToken.None));
        Assert.True(await store.TryAddSuspicionAsync(target.Node, new SuspicionVote(voterB, Now), v++, CancellationToken.None));
        var later = Now.AddSeconds(10);
        Assert.True(await store.TryAddSuspicionAsync(target.Node, new SuspicionVote(voterA, later), v++, CancellationToken.None));

        var votes = Assert.Single((await store.ReadAllAsync(CancellationToken.None)).Members).Suspicions;
        Assert.Equal(2, votes.Count);
        Assert.Equal(later, votes.Single(x => x.Voter == voterA).At);
    }

    [Fact]
    public async Task I_am_alive_updates_the_row_without_moving_the_version()
    {
        var cluster = NewClusterName();
        var store = await CreateStoreAsync(cluster);
        var v = (await store.ReadAllAsync(CancellationToken.None)).Version;
        var member = NewMember(cluster, 1, 1);
        Assert.True(await store.TryRegisterAsync(member, v, CancellationToken.None));
        var later = Now.AddMinutes(1);
        await store.UpdateIAmAliveAsync(member.Node, later, CancellationToken.None);
        var snapshot = await store.ReadAllAsync(CancellationToken.None);
        Assert.Equal(v + 1, snapshot.Version);
        Assert.Equal(later, Assert.Single(snapshot.Members).IAmAliveAt);
    }

    [Fact]
    public async Task Misuse_gets_clear_errors()
    {
        var cluster = NewClusterName();
        var store = await CreateStoreAsync(cluster);
        var v = (await store.ReadAllAsync(CancellationToken.None)).Version;
        var member = NewMember(cluster, 1, 1);
        Assert.True(await store.TryRegisterAsync(member, v, CancellationToken.None));
        var duplicate = await Assert.ThrowsAsync<MembershipStoreException>(() => store.TryRegisterAsync(member, v + 1, CancellationToken.None));
        Assert.Contains("already registered", duplicate.Message);
        var unknown = NewMember(cluster, 9, 9).Node;
        var missing = await Assert.ThrowsAsync<MembershipStoreException>(() => store.TryUpdateStatusAsync(unknown, MemberStatus.Up, Now, v + 1, CancellationToken.None));
        Assert.Contains("not in the membership table", missing.Message);
        var otherCluster = NewMember("elsewhere", 1, 1);
        await Assert.ThrowsAsync<ArgumentException>(() => store.TryRegisterAsync(otherCluster, v + 1, CancellationToken.None));
        // a failed change rolls back: the version did not move
        Assert.Equal(v + 1, (await store.ReadAllAsync(CancellationToken.None)).Version);
    }

    [Fact]
    public async Task Clusters_sharing_a_database_do_not_see_each_other_and_initialization_is_repeatable()
    {
        var clusterA = NewClusterName();
        var clusterB = NewClusterName();
        var a = await CreateStoreAsync(clusterA);
        var b = await CreateStoreAsync(clusterB);
        await a.InitializeAsync(CancellationToken.None);
        Assert.True(await a.TryRegisterAsync(NewMember(clusterA, 1, 1), (await a.ReadAllAsync(CancellationToken.None)).Version, CancellationToken.None));
        Assert.Empty((await b.ReadAllAsync(CancellationToken.None)).Members);
    }
}
