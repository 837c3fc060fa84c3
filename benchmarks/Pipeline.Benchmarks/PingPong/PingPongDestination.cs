using Pipeline.Runtime.Actors;

namespace Pipeline.Benchmarks.PingPong;

/// <summary>The other side of a pair: sends every ball straight back to its sender.</summary>
internal sealed class PingPongDestination : ActorBase
{
    protected override bool Receive(object message)
    {
        if (message is not Ball) return false;
        Sender.Tell(message, Self);
        return true;
    }
}
