using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Routing;

namespace Pipeline.Runtime.Tests.Routing;

/// <summary>The routing logics on their own, with named stand-in routees (no actors, deterministic).</summary>
public sealed class RoutingLogicTests
{
    private sealed class NamedRoutee(string name) : Routee
    {
        public override void Send(object message, IActorRef? sender) { }
        public override string ToString() => name;
    }

    private static Routee[] Named(int count, int first = 0)
        => Enumerable.Range(first, count).Select(i => (Routee)new NamedRoutee("/user/router/r" + i)).ToArray();

    [Fact]
    public void Round_robin_cycles_in_order_and_wraps()
    {
        var logic = new RoundRobinRoutingLogic();
        var routees = Named(3);
        var picked = Enumerable.Range(0, 7).Select(_ => logic.Select("m", routees)).ToArray();
        Assert.Equal([routees[0], routees[1], routees[2], routees[0], routees[1], routees[2], routees[0]], picked);
    }

    [Fact]
    public void Every_logic_answers_no_routee_when_there_are_none()
    {
        RoutingLogic[] logics = [new RoundRobinRoutingLogic(), new RandomRoutingLogic(), new SmallestMailboxRoutingLogic(),
            new BroadcastRoutingLogic(), new ConsistentHashingRoutingLogic()];
        foreach (var logic in logics) Assert.Same(NoRoutee.Instance, logic.Select(new KeyedWork("k", 1), []));
    }

    [Fact]
    public void Broadcast_selects_all_routees()
    {
        var routees = Named(4);
        var selected = Assert.IsType<SeveralRoutees>(new BroadcastRoutingLogic().Select("m", routees));
        Assert.Equal(routees, selected.Members);
    }

    [Fact]
    public void Consistent_hashing_is_stable_and_spreads_keys()
    {
        var logic = new ConsistentHashingRoutingLogic();
        var routees = Named(5);
        var first = Enumerable.Range(0, 500).Select(i => logic.Select(new KeyedWork("source-" + i, i), routees)).ToArray();
        var again = Enumerable.Range(0, 500).Select(i => logic.Select(new KeyedWork("source-" + i, -i), routees)).ToArray();
        Assert.Equal(first, again);
        var perRoutee = first.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(5, perRoutee.Count);
        Assert.All(perRoutee.Values, n => Assert.InRange(n, 25, 250));
    }

    [Fact]
    public void Consistent_hashing_moves_only_the_keys_the_new_routee_takes()
    {
        var logic = new ConsistentHashingRoutingLogic();
        var five = Named(5);
        var six = five.Append(new NamedRoutee("/user/router/r5")).ToArray();
        var keys = Enumerable.Range(0, 1000).Select(i => (object)new KeyedWork("tenant-" + i, i)).ToArray();
        var before = keys.Select(k => logic.Select(k, five)).ToArray();
        var after = keys.Select(k => logic.Select(k, six)).ToArray();
        var moved = Enumerable.Range(0, keys.Length).Where(i => !ReferenceEquals(before[i], after[i])).ToArray();
        Assert.All(moved, i => Assert.Same(six[5], after[i]));
        Assert.InRange(moved.Length, 50, 400); // about 1/6 of the keys move, and only to the new routee
    }

    [Fact]
    public void Consistent_hashing_key_sources_in_priority_order()
    {
        var logic = new ConsistentHashingRoutingLogic(hashMapping: m => m is SensorReading r ? r.SensorId : null);
        Assert.Equal("s1", logic.KeyFor(new SensorReading("s1", 1)));
        Assert.Equal("k", logic.KeyFor(new KeyedWork("k", 1)));
        Assert.Equal(42, logic.KeyFor(new ConsistentHashableEnvelope(new Work(1), 42)));
        Assert.Null(logic.KeyFor(new Work(1)));
        Assert.Same(NoRoutee.Instance, logic.Select(new Work(1), Named(3)));
    }

    [Fact]
    public void Equal_keys_of_different_types_with_the_same_text_land_together()
    {
        var logic = new ConsistentHashingRoutingLogic();
        var routees = Named(7);
        for (var i = 0; i < 50; i++)
        {
            var byInt = logic.Select(new ConsistentHashableEnvelope("m", i), routees);
            var byText = logic.Select(new ConsistentHashableEnvelope("m", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), routees);
            Assert.Same(byInt, byText);
        }
    }

    [Fact]
    public void Bad_settings_are_rejected_with_the_reason()
    {
        Assert.Contains("at least 1", Assert.Throws<ArgumentOutOfRangeException>(() => new RoundRobinPool(0)).Message);
        Assert.Contains("virtual nodes", Assert.Throws<ArgumentOutOfRangeException>(() => new ConsistentHashingRoutingLogic(0)).Message);
        Assert.Contains("'workers/w1' must be absolute", Assert.Throws<ArgumentException>(() => new RoundRobinGroup("workers/w1")).Message);
        Assert.Contains("at least one", Assert.Throws<ArgumentException>(() => new RandomGroup(Array.Empty<string>())).Message);
    }
}
