using Pipeline.Runtime.Actors;
using Pipeline.Sharding.Queries;

namespace Pipeline.Sharding.Api;

/// <summary>
/// Tells a region to shut down gracefully and completes a task when it has stopped (its shards handed off), so
/// that the cluster's leave can wait for it.
/// </summary>
internal sealed class RegionShutdownWatcher : ActorBase
{
    private readonly IActorRef _region;
    private readonly TaskCompletionSource _stopped;

    private RegionShutdownWatcher(IActorRef region, TaskCompletionSource stopped)
    {
        _region = region;
        _stopped = stopped;
    }

    public static Props Props(IActorRef region, TaskCompletionSource stopped) => Runtime.Actors.Props.Create(() => new RegionShutdownWatcher(region, stopped));

    protected override void PreStart()
    {
        Context.Watch(_region);
        _region.Tell(new GracefulShutdown(), Self);
    }

    protected override void PostStop() => _stopped.TrySetResult();

    protected override bool Receive(object message)
    {
        if (message is not Terminated t || !t.ActorRef.Equals(_region)) return false;
        Context.Stop(Self);
        return true;
    }
}
