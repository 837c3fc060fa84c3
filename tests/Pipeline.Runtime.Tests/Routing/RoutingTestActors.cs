using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Routing;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Routing;

/// <summary>Work for a routee; it reports <see cref="Handled"/> to its probe.</summary>
public sealed record Work(int N);

/// <summary>Work that carries its own consistent-hashing key.</summary>
public sealed record KeyedWork(string Key, int N) : IConsistentHashable
{
    [System.Text.Json.Serialization.JsonIgnore]
    public object ConsistentHashKey => Key;
}

/// <summary>Work whose key only a hash mapping knows.</summary>
public sealed record SensorReading(string SensorId, int N);

/// <summary>Asks a routee to answer its sender (to check that routers keep the original sender).</summary>
public sealed record Echo(int N);

/// <summary>Makes a routee wait on the test's gate before it takes its next message.</summary>
public sealed record Block;

/// <summary>Makes a routee throw.</summary>
public sealed record Fail(string Why);

/// <summary>What a routee reports: who handled which message.</summary>
public sealed record Handled(string Routee, int N);

/// <summary>Lifecycle reports of a routee.</summary>
public sealed record Started(string Routee);
public sealed record Stopped(string Routee);

/// <summary>A routee that reports what it handles to a probe and its lifecycle to another.</summary>
public sealed class Worker : ReceiveActor
{
    private readonly IActorRef? _lifecycle;

    public Worker(IActorRef probe, IActorRef? lifecycle = null, Task? gate = null)
    {
        _lifecycle = lifecycle;
        Receive<Work>(w => probe.Tell(new Handled(Self.Path.Name, w.N), Self));
        Receive<KeyedWork>(w => probe.Tell(new Handled(Self.Path.Name, w.N), Self));
        Receive<SensorReading>(w => probe.Tell(new Handled(Self.Path.Name, w.N), Self));
        Receive<Echo>(e => Sender.Tell(new Handled(Self.Path.Name, e.N), Self));
        Receive<Fail>(f => throw new InvalidOperationException(f.Why));
        ReceiveAsync<Block>(async _ =>
        {
            if (gate is not null) await gate.ConfigureAwait(false);
            probe.Tell(new Handled(Self.Path.Name, -1), Self);
        });
    }

    protected override void PreStart() => _lifecycle?.Tell(new Started(Self.Path.Name));

    protected override void PostStop() => _lifecycle?.Tell(new Stopped(Self.Path.Name));
}

/// <summary>Small helpers shared by the router tests.</summary>
internal static class RouterTestExtensions
{
    public static async Task<IReadOnlyList<IActorRef>> RouteeRefsAsync(this TestProbe probe, IActorRef router)
    {
        probe.Send(router, GetRoutees.Instance);
        var routees = await probe.ExpectMsgAsync<Routees>();
        return routees.Members.Select(r => ((ActorRefRoutee)r).Actor).ToArray();
    }

    public static async Task<List<Handled>> HandledAsync(this TestProbe probe, int count)
        => (await probe.ReceiveNAsync(count)).Cast<Handled>().ToList();
}
