using Pipeline.Runtime.Actors;

namespace Pipeline.Benchmarks.Ask;

/// <summary>Answers every message with the message itself.</summary>
internal sealed class EchoActor : ActorBase
{
    protected override bool Receive(object message)
    {
        Sender.Tell(message, Self);
        return true;
    }
}
