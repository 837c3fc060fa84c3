using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.Tests.Remoting;

public sealed record Ping(string Text);

public sealed record Pong(string Text, string From);

/// <summary>A message whose serialization always fails (its property throws).</summary>
public sealed class Unserializable
{
    public string Value => throw new InvalidOperationException("not serializable by design");
}

/// <summary>Answers every <see cref="Ping"/> with a <see cref="Pong"/> naming itself.</summary>
public sealed class EchoActor : ReceiveActor
{
    public EchoActor() => Receive<Ping>(p => Reply(new Pong(p.Text, Self.Path.Name)));
}

/// <summary>Forwards everything to a target, keeping the original sender.</summary>
public sealed class ForwardActor : ReceiveActor
{
    public ForwardActor(IActorRef target) => ReceiveAny(m => target.Tell(m, Sender));
}

/// <summary>Receives and never answers.</summary>
public sealed class SilentActor : ReceiveActor
{
    public SilentActor() => ReceiveAny(_ => { });
}

/// <summary>Creates echo children with the given names.</summary>
public sealed class ParentActor : ReceiveActor
{
    private readonly string[] _children;

    public ParentActor(params string[] children)
    {
        _children = children;
        ReceiveAny(_ => { });
    }

    protected override void PreStart()
    {
        foreach (var name in _children) Context.ActorOf(Props.Create(() => new EchoActor()), name);
    }
}
