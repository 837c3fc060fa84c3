using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Routing;
using Pipeline.Runtime.Supervision;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Routing;

public sealed class PoolRouterTests : ActorTestKit
{
    private IActorRef StartPool(Pool pool, TestProbe probe, TestProbe? lifecycle = null, Task? gate = null, string? name = null)
        => Sys.ActorOf(pool.Props(Props.Create(() => new Worker(probe.Ref, lifecycle?.Ref, gate))), name);

    [Fact]
    public async Task Round_robin_pool_sends_to_its_routees_in_exact_turn()
    {
        var probe = CreateTestProbe();
        var router = StartPool(new RoundRobinPool(3), probe);
        var routees = await TestActor.RouteeRefsAsync(router);
        Assert.Equal(3, routees.Count);
        for (var i = 0; i < 9; i++) router.Tell(new Work(i));
        var handled = await probe.HandledAsync(9);
        foreach (var h in handled) Assert.Equal(routees[h.N % 3].Path.Name, h.Routee);
    }

    [Fact]
    public async Task Random_pool_reaches_every_routee()
    {
        var probe = CreateTestProbe();
        var router = StartPool(new RandomPool(4), probe);
        for (var i = 0; i < 200; i++) router.Tell(new Work(i));
        var handled = await probe.HandledAsync(200);
        var perRoutee = handled.GroupBy(h => h.Routee).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, perRoutee.Count);
        Assert.All(perRoutee.Values, n => Assert.InRange(n, 10, 120));
    }

    [Fact]
    public async Task Smallest_mailbox_pool_avoids_a_busy_routee_with_queued_messages()
    {
        var probe = CreateTestProbe();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = StartPool(new SmallestMailboxPool(3), probe, gate: gate.Task);
        var routees = await TestActor.RouteeRefsAsync(router);
        var busy = routees[1];
        busy.Tell(new Block());
        // Far more queued work than the 30 routed messages can pile up on the two free routees, so that the busy
        // routee is never the smallest mailbox, however slowly the free ones drain.
        for (var i = 100; i < 140; i++) busy.Tell(new Work(i));

        for (var i = 0; i < 30; i++) router.Tell(new Work(i));
        var handled = await probe.HandledAsync(30);
        Assert.DoesNotContain(handled, h => h.Routee == busy.Path.Name);
        Assert.Equal(2, handled.Select(h => h.Routee).Distinct().Count());

        gate.SetResult();
        var drained = await probe.HandledAsync(41);
        Assert.All(drained, h => Assert.Equal(busy.Path.Name, h.Routee));
    }

    [Fact]
    public async Task Broadcast_pool_delivers_every_message_to_all_routees()
    {
        var probe = CreateTestProbe();
        var router = StartPool(new BroadcastPool(4), probe);
        router.Tell(new Work(7));
        var handled = await probe.HandledAsync(4);
        Assert.Equal(4, handled.Select(h => h.Routee).Distinct().Count());
        Assert.All(handled, h => Assert.Equal(7, h.N));
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Broadcast_message_reaches_all_routees_of_any_pool()
    {
        var probe = CreateTestProbe();
        var router = StartPool(new RoundRobinPool(3), probe);
        router.Tell(new Broadcast(new Work(1)));
        var handled = await probe.HandledAsync(3);
        Assert.Equal(3, handled.Select(h => h.Routee).Distinct().Count());
    }

    [Fact]
    public async Task Routees_answer_the_original_sender_not_the_router()
    {
        var probe = CreateTestProbe();
        var router = StartPool(new RoundRobinPool(2), probe);
        var routees = await TestActor.RouteeRefsAsync(router);
        TestActor.Send(router, new Echo(1));
        TestActor.Send(router, new Echo(2));
        var first = await TestActor.ExpectMsgAsync<Handled>();
        Assert.Contains(TestActor.LastSender, routees);
        var second = await TestActor.ExpectMsgAsync<Handled>();
        Assert.NotEqual(first.Routee, second.Routee);
    }

    [Fact]
    public void Pool_default_supervisor_strategy_is_restart_the_failed_routee()
    {
        var pool = new RoundRobinPool(2);
        Assert.Same(SupervisorStrategy.Default, pool.SupervisorStrategy);
        var stopping = pool.WithSupervisorStrategy(SupervisorStrategy.StoppingStrategy);
        Assert.IsType<RoundRobinPool>(stopping);
        Assert.Same(SupervisorStrategy.StoppingStrategy, stopping.SupervisorStrategy);
        Assert.Equal(2, stopping.NrOfInstances);
    }

    [Fact]
    public async Task A_failing_routee_is_restarted_in_place_by_default()
    {
        AllowActorFailures<InvalidOperationException>();
        var probe = CreateTestProbe();
        var lifecycle = CreateTestProbe();
        var router = StartPool(new RoundRobinPool(2), probe, lifecycle);
        await lifecycle.ReceiveNAsync(2);
        var routees = await TestActor.RouteeRefsAsync(router);

        routees[0].Tell(new Fail("boom"));
        var events = await lifecycle.ReceiveNAsync(2);
        Assert.Equal([new Stopped(routees[0].Path.Name), new Started(routees[0].Path.Name)], events);

        Assert.Equal(routees, await TestActor.RouteeRefsAsync(router));
        routees[0].Tell(new Work(5));
        await probe.ExpectMsgAsync(new Handled(routees[0].Path.Name, 5));
        await lifecycle.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task With_a_stopping_strategy_a_failing_routee_is_removed_and_the_others_keep_working()
    {
        AllowActorFailures<InvalidOperationException>();
        var probe = CreateTestProbe();
        var router = StartPool(new RoundRobinPool(3, SupervisorStrategy.StoppingStrategy), probe);
        var routees = await TestActor.RouteeRefsAsync(router);
        TestActor.Watch(routees[2]);
        routees[2].Tell(new Fail("boom"));
        await TestActor.ExpectTerminatedAsync(routees[2]);

        await AwaitHelpers.AwaitAssertAsync(async () => Assert.Equal(routees.Take(2), await TestActor.RouteeRefsAsync(router)));
        for (var i = 0; i < 4; i++) router.Tell(new Work(i));
        var handled = await probe.HandledAsync(4);
        Assert.DoesNotContain(handled, h => h.Routee == routees[2].Path.Name);
    }

    [Fact]
    public async Task With_an_escalating_strategy_the_router_restarts_and_recreates_its_pool()
    {
        AllowActorFailures<InvalidOperationException>();
        var probe = CreateTestProbe();
        var lifecycle = CreateTestProbe();
        var pool = new RoundRobinPool(2).WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Escalate));
        var router = StartPool(pool, probe, lifecycle);
        await lifecycle.ReceiveNAsync(2);
        var before = await TestActor.RouteeRefsAsync(router);

        before[1].Tell(new Fail("boom"));
        var events = await lifecycle.ReceiveNAsync(4);
        Assert.Equal(2, events.OfType<Stopped>().Count());
        Assert.Equal(2, events.OfType<Started>().Count());
        var after = await TestActor.RouteeRefsAsync(router);
        Assert.Equal(2, after.Count);
        Assert.Empty(after.Intersect(before));
        router.Tell(new Work(1));
        await probe.ExpectMsgAsync<Handled>();
    }

    [Fact]
    public async Task Dead_routees_are_removed_and_the_router_stops_after_the_last()
    {
        var probe = CreateTestProbe();
        var lifecycle = CreateTestProbe();
        var router = StartPool(new RoundRobinPool(2), probe, lifecycle);
        await lifecycle.ReceiveNAsync(2);
        var routees = await TestActor.RouteeRefsAsync(router);
        TestActor.Watch(router);

        routees[0].Tell(PoisonPill.Instance);
        await lifecycle.ExpectMsgAsync(new Stopped(routees[0].Path.Name));
        await AwaitHelpers.AwaitAssertAsync(async () => Assert.Equal([routees[1]], await TestActor.RouteeRefsAsync(router)));
        router.Tell(new Work(1));
        await probe.ExpectMsgAsync(new Handled(routees[1].Path.Name, 1));

        routees[1].Tell(PoisonPill.Instance);
        await TestActor.ExpectTerminatedAsync(router);
    }

    [Fact]
    public async Task Stopping_the_router_stops_its_routees()
    {
        var probe = CreateTestProbe();
        var lifecycle = CreateTestProbe();
        var router = StartPool(new RandomPool(3), probe, lifecycle);
        await lifecycle.ReceiveNAsync(3);
        router.Tell(PoisonPill.Instance);
        var stopped = await lifecycle.ReceiveNAsync(3);
        Assert.All(stopped, s => Assert.IsType<Stopped>(s));
    }
}
