using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Coordinator;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.Tests.Support;
using Pipeline.TestKit;

namespace Pipeline.Sharding.Tests.Regions;

public sealed class BufferingTests : ShardingSpec
{
    [Fact]
    public async Task Messages_wait_in_a_bounded_buffer_until_the_home_is_known_and_overflow_is_counted()
    {
        var fakeCoordinator = CreateTestProbe("coordinator");
        var settings = FastSettings with { BufferSize = 5, RetryInterval = TimeSpan.FromSeconds(30) };
        var a = StartRegion("A", fakeCoordinator.Ref, settings);
        await fakeCoordinator.ExpectMsgAsync<CoordinatorProtocol.Register>(TimeSpan.FromSeconds(5));
        fakeCoordinator.Reply(new CoordinatorProtocol.RegisterAck(fakeCoordinator.Ref));

        var id = EntityInShard("4");
        for (var i = 1; i <= 8; i++) a.Tell(new Numbered(id, i));
        // One home request for the shard, however many messages wait.
        Assert.Equal("4", (await fakeCoordinator.ExpectMsgAsync<CoordinatorProtocol.GetShardHome>(TimeSpan.FromSeconds(5))).ShardId);
        var state = await a.Ask<ShardRegionState>(new GetShardRegionState(), TimeSpan.FromSeconds(5));
        Assert.Equal(5, state.BufferedNow);
        Assert.Equal(3, state.DroppedTotal);
        Assert.Equal(3, ClusterSharding.Get(Sys).Metrics.DroppedTotal);

        // The home arrives: the buffer flushes there, in order.
        fakeCoordinator.Send(a, new CoordinatorProtocol.ShardHome("4", a));
        await AwaitHelpers.AwaitConditionAsync(() => Log.ReceivedBy(id).Count == 5, TimeSpan.FromSeconds(5), "buffer flushed");
        Assert.Equal(Enumerable.Range(1, 5), Log.ReceivedBy(id));
    }

    [Fact]
    public async Task Regions_register_again_with_a_restarted_coordinator_and_keep_working()
    {
        AllowActorFailures<ActorKilledException>();
        var supervisor = Sys.ActorOf(BackoffSupervisor.Props(
            Sharding.Coordinator.ShardCoordinator.Props(TypeName, FastSettings), "coordinator", TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500)), "singleton");
        var a = StartRegion("A", supervisor, FastSettings);
        await AwaitRegionsAsync(supervisor, 1);
        var before = await WhoAsync(a, EntityInShard("1"));
        var oldCoordinator = (await supervisor.Ask<BackoffSupervisor.CurrentChild>(BackoffSupervisor.GetCurrentChild.Instance, TimeSpan.FromSeconds(5))).Ref!;

        var watcher = CreateTestProbe();
        watcher.Watch(oldCoordinator);
        oldCoordinator.Tell(Kill.Instance);
        await watcher.ExpectTerminatedAsync(oldCoordinator, TimeSpan.FromSeconds(5));

        // The restarted coordinator recovered the allocation, and the region registered again: a new shard gets a home.
        await AwaitRegionsAsync(supervisor, 1);
        Assert.Equal(a, (await AllocationsAsync(supervisor)).Shards["1"]);
        Assert.Contains("/user/region-A/", (await WhoAsync(a, EntityInShard("2"))).Path);
        Assert.Equal(before.Path, (await WhoAsync(a, EntityInShard("1"))).Path);
    }
}
