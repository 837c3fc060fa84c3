using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Routing;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Routing;

public sealed class ConsistentHashingRouterTests : ActorTestKit
{
    private IActorRef StartPool(ConsistentHashingPool pool, TestProbe probe)
        => Sys.ActorOf(pool.Props(Props.Create(() => new Worker(probe.Ref))));

    private static Dictionary<int, string> ByMessage(IEnumerable<Handled> handled) => handled.ToDictionary(h => h.N, h => h.Routee);

    [Fact]
    public async Task The_same_key_always_goes_to_the_same_routee_whatever_carries_it()
    {
        var probe = CreateTestProbe();
        var router = StartPool(new ConsistentHashingPool(5, m => m is SensorReading r ? r.SensorId : null), probe);
        const int keys = 40;
        for (var round = 0; round < 3; round++)
            for (var k = 0; k < keys; k++)
            {
                var n = round * 1000 + k;
                switch (round)
                {
                    case 0: router.Tell(new KeyedWork("source-" + k, n)); break;
                    case 1: router.Tell(new ConsistentHashableEnvelope(new Work(n), "source-" + k)); break;
                    default: router.Tell(new SensorReading("source-" + k, n)); break;
                }
            }
        var placement = ByMessage(await probe.HandledAsync(3 * keys));
        for (var k = 0; k < keys; k++)
        {
            Assert.Equal(placement[k], placement[1000 + k]);
            Assert.Equal(placement[k], placement[2000 + k]);
        }
        Assert.True(placement.Values.Distinct().Count() >= 3, "keys spread over several routees");
    }

    [Fact]
    public async Task An_envelope_is_unwrapped_before_delivery()
    {
        var router = StartPool(new ConsistentHashingPool(2), CreateTestProbe());
        TestActor.Send(router, new ConsistentHashableEnvelope(new Echo(3), "key"));
        var handled = await TestActor.ExpectMsgAsync<Handled>();
        Assert.Equal(3, handled.N);
    }

    [Fact]
    public async Task Adding_a_routee_keeps_most_keys_where_they_were()
    {
        var probe = CreateTestProbe();
        var router = StartPool(new ConsistentHashingPool(5), probe);
        const int keys = 300;
        for (var k = 0; k < keys; k++) router.Tell(new KeyedWork("tenant-" + k, k));
        var before = ByMessage(await probe.HandledAsync(keys));

        router.Tell(new AdjustPoolSize(1));
        var routees = await TestActor.RouteeRefsAsync(router);
        Assert.Equal(6, routees.Count);
        var added = routees[5].Path.Name;

        for (var k = 0; k < keys; k++) router.Tell(new KeyedWork("tenant-" + k, k));
        var after = ByMessage(await probe.HandledAsync(keys));
        var moved = Enumerable.Range(0, keys).Where(k => before[k] != after[k]).ToArray();
        Assert.All(moved, k => Assert.Equal(added, after[k]));
        Assert.InRange(moved.Length, 1, keys / 2);
    }

    [Fact]
    public async Task A_message_without_a_key_becomes_a_dead_letter()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var probe = CreateTestProbe();
        var router = StartPool(new ConsistentHashingPool(3), probe);
        router.Tell(new Work(1));
        var letter = await deadLetters.FishForMessageAsync<DeadLetter>(d => d.Message is Work);
        Assert.Contains("no routee", letter.Reason);
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }
}
