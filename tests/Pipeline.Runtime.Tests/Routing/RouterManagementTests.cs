using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Routing;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Routing;

public sealed class RouterManagementTests : ActorTestKit
{
    private IActorRef StartPool(Pool pool, TestProbe probe, TestProbe? lifecycle = null)
        => Sys.ActorOf(pool.Props(Props.Create(() => new Worker(probe.Ref, lifecycle?.Ref, null))));

    [Fact]
    public async Task Adjust_pool_size_grows_and_shrinks_the_pool()
    {
        var probe = CreateTestProbe();
        var lifecycle = CreateTestProbe();
        var router = StartPool(new RoundRobinPool(2), probe, lifecycle);
        await lifecycle.ReceiveNAsync(2);
        var initial = await TestActor.RouteeRefsAsync(router);

        router.Tell(new AdjustPoolSize(3));
        Assert.All(await lifecycle.ReceiveNAsync(3), s => Assert.IsType<Started>(s));
        var grown = await TestActor.RouteeRefsAsync(router);
        Assert.Equal(5, grown.Count);
        Assert.Equal(initial, grown.Take(2));

        router.Tell(new AdjustPoolSize(-4));
        var stopped = (await lifecycle.ReceiveNAsync(4)).Cast<Stopped>().Select(s => s.Routee).Order();
        Assert.Equal(grown.Skip(1).Select(r => r.Path.Name).Order(), stopped);
        Assert.Equal([initial[0]], await TestActor.RouteeRefsAsync(router));

        for (var i = 0; i < 3; i++) router.Tell(new Work(i));
        Assert.All(await probe.HandledAsync(3), h => Assert.Equal(initial[0].Path.Name, h.Routee));
    }

    [Fact]
    public async Task Remove_routee_stops_a_pool_child_and_routing_skips_it()
    {
        var probe = CreateTestProbe();
        var router = StartPool(new RoundRobinPool(3), probe);
        var routees = await TestActor.RouteeRefsAsync(router);
        TestActor.Watch(routees[1]);
        router.Tell(new RemoveRoutee(new ActorRefRoutee(routees[1])));
        await TestActor.ExpectTerminatedAsync(routees[1]);
        Assert.Equal([routees[0], routees[2]], await TestActor.RouteeRefsAsync(router));
        for (var i = 0; i < 4; i++) router.Tell(new Work(i));
        var handled = await probe.HandledAsync(4);
        Assert.DoesNotContain(handled, h => h.Routee == routees[1].Path.Name);
    }

    [Fact]
    public async Task Removing_the_last_routee_of_a_pool_stops_the_router()
    {
        var router = StartPool(new RandomPool(1), CreateTestProbe());
        var routees = await TestActor.RouteeRefsAsync(router);
        TestActor.Watch(router);
        router.Tell(new RemoveRoutee(new ActorRefRoutee(routees[0])));
        await TestActor.ExpectTerminatedAsync(router);
    }

    [Fact]
    public async Task Added_actor_routees_are_routed_to_and_removed_when_they_stop()
    {
        var probe = CreateTestProbe();
        var member = Sys.ActorOf(Props.Create(() => new Worker(probe.Ref, null, null)), "member");
        var extra = Sys.ActorOf(Props.Create(() => new Worker(probe.Ref, null, null)), "extra");
        var router = Sys.ActorOf(new BroadcastGroup("/user/member").Props());
        router.Tell(new AddRoutee(new ActorRefRoutee(extra)));
        router.Tell(new Work(1));
        Assert.Equal(["extra", "member"], (await probe.HandledAsync(2)).Select(h => h.Routee).Order());

        TestActor.Watch(extra);
        Sys.Stop(extra);
        await TestActor.ExpectTerminatedAsync(extra);
        await AwaitHelpers.AwaitAssertAsync(async () =>
        {
            TestActor.Send(router, GetRoutees.Instance);
            var routees = await TestActor.ExpectMsgAsync<Routees>();
            Assert.Equal(new Routee[] { new ActorSelectionRoutee(Sys.ActorSelection("/user/member")) }, routees.Members);
        });
        Assert.True(member.Path.Name == "member");
    }

    [Fact]
    public async Task A_router_with_no_routees_dead_letters_what_it_gets()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var member = Sys.ActorOf(Props.Create(() => new Worker(CreateTestProbe().Ref, null, null)), "only");
        var router = Sys.ActorOf(new RoundRobinGroup("/user/only").Props());
        router.Tell(new RemoveRoutee(new ActorSelectionRoutee(Sys.ActorSelection("/user/only"))));
        router.Tell(new Work(5));
        var letter = await deadLetters.FishForMessageAsync<DeadLetter>(d => d.Message is Work);
        Assert.Equal("router has no routees", letter.Reason);
        Assert.Equal(router, letter.Recipient);
        Assert.NotNull(member);
    }
}
