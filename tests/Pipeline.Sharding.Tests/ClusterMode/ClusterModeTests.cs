using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.Rebalance;
using Pipeline.Sharding.Tests.Support;
using Pipeline.TestKit;
using Xunit.Abstractions;

namespace Pipeline.Sharding.Tests.ClusterMode;

/// <summary>
/// Cluster mode in one process: two clustered actor systems, the coordinator as a cluster singleton, every query and
/// command sent across the wire, a region shut down remotely, and a graceful leave that hands the shards and the
/// coordinator over.
/// </summary>
public sealed class ClusterModeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string TypeName = "counter";
    private static readonly TimeSpan AskTimeout = TestTimeouts.Dilated(TimeSpan.FromSeconds(5));
    private static readonly TimeSpan Deadline = TestTimeouts.Dilated(TimeSpan.FromSeconds(20));
    private readonly ClusterNodes _nodes = new(output);
    private readonly ActivationLog _log = new();
    private readonly HashCodeMessageExtractor _extractor = new(10, TestExtractor.EntityIdOf);

    private static ClusterShardingSettings Settings => new()
    {
        RetryInterval = TimeSpan.FromMilliseconds(200),
        RebalanceInterval = null,
        HandOffTimeout = TimeSpan.FromSeconds(10),
        EntityStopTimeout = TimeSpan.FromSeconds(2),
        LoadReportInterval = TimeSpan.FromMilliseconds(300),
    };

    public Task InitializeAsync() => _nodes.InitializeAsync();

    public Task DisposeAsync() => _nodes.DisposeAsync();

    [Fact]
    public async Task Every_query_and_command_crosses_the_wire()
    {
        var (a, _) = await _nodes.StartAsync();
        var (b, _) = await _nodes.StartAsync();
        var regionA = ClusterSharding.Get(a).Start(TypeName, TestEntity.Factory(_log), _extractor, Settings);
        var regionB = ClusterSharding.Get(b).Start(TypeName, TestEntity.Factory(_log), _extractor, Settings);
        IReadOnlyList<IActorRef> regions = [];
        await AwaitHelpers.AwaitAssertAsync(async () =>
        {
            regions = (await regionB.Ask<CurrentRegions>(new GetCurrentRegions(), AskTimeout)).Regions;
            Assert.Equal(2, regions.Count);
        }, Deadline, TimeSpan.FromMilliseconds(100));
        var remoteA = regions.Single(r => r.Path.Address.Equals(ClusterExtensionAddress(a)));

        // entities through B's region, wherever their shards live
        var ids = Enumerable.Range(0, 20).Select(i => "e" + i).ToList();
        foreach (var id in ids)
        {
            var ack = await regionB.Ask<StartEntityAck>(new StartEntity(id), AskTimeout);
            Assert.Equal((id, _extractor.ShardId(id)), (ack.EntityId, ack.ShardId));
            Assert.Equal(id, (await regionB.Ask<Identity>(new ShardingEnvelope(id, new WhoAreYou(id)), AskTimeout)).EntityId);
        }
        var allocations = await regionB.Ask<ShardAllocations>(new GetShardAllocations(), AskTimeout);
        Assert.Equal(ids.Select(id => _extractor.ShardId(id)).Distinct().Count(), allocations.Shards.Count);
        Assert.Equal(2, allocations.Shards.Values.Distinct().Count()); // both nodes host shards

        var someOnA = ids.First(id => allocations.Shards[_extractor.ShardId(id)].Equals(remoteA));
        var location = await regionB.Ask<EntityLocation>(new GetEntityLocation(someOnA), AskTimeout);
        Assert.Equal(remoteA, location.Region);
        Assert.NotNull(location.Entity);
        Assert.Equal(ClusterExtensionAddress(a), location.Entity!.Path.Address);

        var stats = await regionB.Ask<ClusterShardingStats>(new GetClusterShardingStats(AskTimeout), AskTimeout);
        Assert.Equal(ids.Count, stats.Regions.Sum(r => r.Stats.Values.Sum()));
        var regionStats = await remoteA.Ask<ShardRegionStats>(new GetShardRegionStats(), AskTimeout);
        Assert.Equal(remoteA, regionStats.Region);
        var state = await remoteA.Ask<ShardRegionState>(new GetShardRegionState(), AskTimeout);
        Assert.Contains(state.Shards, s => s.EntityIds.Contains(someOnA));

        var refused = await regionB.Ask<ShardingCommandFailed>(new MoveShard("1", b.DeadLetters), AskTimeout);
        Assert.Equal(nameof(MoveShard), refused.Command);
        var plan = await regionB.Ask<RebalancePlan>(new RebalanceNow(DryRun: true), AskTimeout);
        Assert.True(plan.DryRun);
        var shardOnA = allocations.Shards.First(kv => kv.Value.Equals(remoteA)).Key;
        var remoteB = regions.Single(r => !r.Equals(remoteA));
        var dryMove = await regionB.Ask<RebalancePlan>(new MoveShard(shardOnA, remoteB, DryRun: true), AskTimeout);
        Assert.Equal((shardOnA, remoteA, remoteB), (dryMove.Moves.Single().ShardId, dryMove.Moves.Single().From, dryMove.Moves.Single().To));

        // a graceful shutdown sent from B to A's region: A hands all its shards to B and stops
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.ActorOf(RegionShutdownWatcher.Props(remoteA, stopped)); // sends GracefulShutdown, watches the region
        await stopped.Task.WaitAsync(Deadline);
        await AwaitHelpers.AwaitConditionAsync(() => ((InternalActorRef)regionA).IsTerminated, Deadline, "the region on A stopped");
        await AwaitHelpers.AwaitAssertAsync(async () =>
        {
            var now = await regionB.Ask<ShardAllocations>(new GetShardAllocations(), AskTimeout);
            Assert.All(now.Shards.Values, r => Assert.Equal(remoteB, r));
        }, Deadline, TimeSpan.FromMilliseconds(100));
        Assert.Equal(someOnA, (await regionB.Ask<Identity>(new WhoAreYou(someOnA), AskTimeout)).EntityId);
        _log.AssertNoOverlap();
    }

    [Fact]
    public async Task A_leaving_node_hands_its_shards_off_and_the_coordinator_moves_with_the_allocation()
    {
        var (a, clusterA) = await _nodes.StartAsync();
        var (b, _) = await _nodes.StartAsync();
        ClusterSharding.Get(a).Start(TypeName, TestEntity.Factory(_log), _extractor, Settings);
        var regionB = ClusterSharding.Get(b).Start(TypeName, TestEntity.Factory(_log), _extractor, Settings);
        await AwaitHelpers.AwaitAssertAsync(async () =>
            Assert.Equal(2, (await regionB.Ask<CurrentRegions>(new GetCurrentRegions(), AskTimeout)).Regions.Count), Deadline, TimeSpan.FromMilliseconds(100));
        var ids = Enumerable.Range(0, 30).Select(i => "e" + i).ToList();
        foreach (var id in ids) await regionB.Ask<StartEntityAck>(new StartEntity(id), AskTimeout);
        var before = await regionB.Ask<ShardAllocations>(new GetShardAllocations(), AskTimeout);
        Assert.Equal(2, before.Shards.Values.Distinct().Count());

        await clusterA.LeaveAsync(); // the oldest: it ran the coordinator
        await a.WhenTerminated.WaitAsync(Deadline);

        ShardAllocations after = before;
        await AwaitHelpers.AwaitAssertAsync(async () =>
        {
            after = await regionB.Ask<ShardAllocations>(new GetShardAllocations(), AskTimeout);
            Assert.Equal(before.Shards.Keys.Order(), after.Shards.Keys.Order()); // recovered, not rebuilt
            Assert.All(after.Shards.Values, r => Assert.Equal(regionB.Path.ToStringWithoutAddress(), r.Path.ToStringWithoutAddress()));
        }, Deadline, TimeSpan.FromMilliseconds(100));
        foreach (var id in ids) Assert.Equal(id, (await regionB.Ask<Identity>(new WhoAreYou(id), AskTimeout)).EntityId);
        _log.AssertNoOverlap();
        Assert.True(_log.ActiveCount >= ids.Count);
    }

    private static Address ClusterExtensionAddress(ActorSystem system) => Pipeline.Cluster.Remoting.RemoteActorRefProvider.ToAddress(Pipeline.Cluster.Extension.ClusterExtension.Get(system).SelfAddress.Address);
}
