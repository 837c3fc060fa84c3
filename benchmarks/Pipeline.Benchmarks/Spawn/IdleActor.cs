using Pipeline.Runtime.Actors;

namespace Pipeline.Benchmarks.Spawn;

/// <summary>The smallest possible actor: no fields, handles nothing.</summary>
internal sealed class IdleActor : ActorBase
{
    protected override bool Receive(object message) => false;
}
