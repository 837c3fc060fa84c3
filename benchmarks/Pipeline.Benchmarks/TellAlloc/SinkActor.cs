using Pipeline.Runtime.Actors;

namespace Pipeline.Benchmarks.TellAlloc;

/// <summary>Drops every message, counting it.</summary>
internal sealed class SinkActor(SinkCounter counter) : ActorBase
{
    protected override bool Receive(object message)
    {
        counter.Increment();
        return true;
    }
}
