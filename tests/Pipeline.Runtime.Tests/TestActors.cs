using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Tests;

/// <summary>Messages and small actors shared by the kernel tests.</summary>
public sealed record Ping(int N);
public sealed record Pong(int N);
public sealed record Forwarded(string Text);

/// <summary>Answers every message by echoing it back to the sender.</summary>
public sealed class EchoActor : ReceiveActor
{
    public EchoActor() => ReceiveAny(m => Sender.Tell(m, Self));
}

/// <summary>Reports every message it receives (and its lifecycle) to a probe.</summary>
public sealed class ReportingActor : ActorBase
{
    private readonly IActorRef _probe;
    private readonly string _tag;

    public ReportingActor(IActorRef probe, string tag = "")
    {
        _probe = probe;
        _tag = tag;
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case "throw":
                throw new InvalidOperationException("boom " + _tag);
            case "throw-arg":
                throw new ArgumentException("bad " + _tag);
            default:
                _probe.Tell(message, Self);
                return true;
        }
    }

    protected override void PreStart() => _probe.Tell($"prestart{_tag}");
    protected override void PostStop() => _probe.Tell($"poststop{_tag}");
    protected override void PreRestart(Exception reason, object? message)
    {
        _probe.Tell($"prerestart{_tag}");
        base.PreRestart(reason, message);
    }
    protected override void PostRestart(Exception reason)
    {
        _probe.Tell($"postrestart{_tag}");
        base.PostRestart(reason);
    }
}
