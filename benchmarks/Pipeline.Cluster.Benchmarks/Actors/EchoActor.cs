using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.Benchmarks.Actors;

/// <summary>Answers every message with itself (the remote half of a ping-pong pair and the Ask target).</summary>
internal sealed class EchoActor : ActorBase
{
    protected override bool Receive(object message)
    {
        Sender.Tell(message, Self);
        return true;
    }
}
