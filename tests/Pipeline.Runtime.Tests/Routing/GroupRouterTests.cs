using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Routing;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Routing;

public sealed class GroupRouterTests : ActorTestKit
{
    private IActorRef[] StartMembers(TestProbe probe, int count)
        => Enumerable.Range(0, count).Select(i => Sys.ActorOf(Props.Create(() => new Worker(probe.Ref, null, null)), "w" + i)).ToArray();

    [Fact]
    public async Task Round_robin_group_routes_to_its_paths_in_turn()
    {
        var probe = CreateTestProbe();
        StartMembers(probe, 3);
        var router = Sys.ActorOf(new RoundRobinGroup("/user/w0", "/user/w1", "/user/w2").Props());
        for (var i = 0; i < 6; i++) router.Tell(new Work(i));
        var handled = await probe.HandledAsync(6);
        Assert.All(handled, h => Assert.Equal("w" + h.N % 3, h.Routee));
    }

    [Fact]
    public async Task Group_paths_may_carry_the_system_address()
    {
        var probe = CreateTestProbe();
        var members = StartMembers(probe, 2);
        var router = Sys.ActorOf(new BroadcastGroup(members.Select(m => m.Path.ToString())).Props());
        TestActor.Send(router, new Echo(9));
        var answers = new[] { await TestActor.ExpectMsgAsync<Handled>(), await TestActor.ExpectMsgAsync<Handled>() };
        Assert.Equal(["w0", "w1"], answers.Select(a => a.Routee).Order());
    }

    [Fact]
    public async Task Random_group_reaches_every_member()
    {
        var probe = CreateTestProbe();
        StartMembers(probe, 3);
        var router = Sys.ActorOf(new RandomGroup(new List<string> { "/user/w0", "/user/w1", "/user/w2" }).Props());
        for (var i = 0; i < 150; i++) router.Tell(new Work(i));
        var handled = await probe.HandledAsync(150);
        Assert.Equal(3, handled.Select(h => h.Routee).Distinct().Count());
    }

    [Fact]
    public async Task Consistent_hashing_group_keeps_a_key_on_one_member()
    {
        var probe = CreateTestProbe();
        StartMembers(probe, 4);
        var router = Sys.ActorOf(new ConsistentHashingGroup(["/user/w0", "/user/w1", "/user/w2", "/user/w3"]).Props());
        for (var round = 0; round < 2; round++)
            for (var k = 0; k < 20; k++) router.Tell(new KeyedWork("k" + k, round * 100 + k));
        var placement = (await probe.HandledAsync(40)).ToDictionary(h => h.N, h => h.Routee);
        for (var k = 0; k < 20; k++) Assert.Equal(placement[k], placement[100 + k]);
    }

    [Fact]
    public async Task The_group_does_not_own_its_members_and_survives_them()
    {
        var probe = CreateTestProbe();
        var members = StartMembers(probe, 2);
        var router = Sys.ActorOf(new RoundRobinGroup("/user/w0", "/user/w1").Props());
        TestActor.Watch(router);
        router.Tell(PoisonPill.Instance);
        await TestActor.ExpectTerminatedAsync(router);
        members[0].Tell(new Work(1));
        await probe.ExpectMsgAsync(new Handled("w0", 1));

        var second = Sys.ActorOf(new RoundRobinGroup("/user/w0", "/user/w1").Props());
        foreach (var m in members)
        {
            TestActor.Watch(m);
            Sys.Stop(m);
            await TestActor.ExpectTerminatedAsync(m);
        }
        TestActor.Send(second, new Identify("alive"));
        var identity = await TestActor.ExpectMsgAsync<ActorIdentity>();
        Assert.Equal(second, identity.Subject);
    }

    [Fact]
    public async Task A_member_created_again_at_its_path_keeps_receiving()
    {
        var probe = CreateTestProbe();
        var first = StartMembers(probe, 1)[0];
        var router = Sys.ActorOf(new RoundRobinGroup("/user/w0").Props());
        TestActor.Watch(first);
        Sys.Stop(first);
        await TestActor.ExpectTerminatedAsync(first);
        var again = Sys.ActorOf(Props.Create(() => new Worker(probe.Ref, null, null)), "w0");
        router.Tell(new Work(2));
        await probe.ExpectMsgAsync(new Handled("w0", 2));
        Assert.Equal(again, probe.LastSender);
    }
}
