using Pipeline.Runtime.Supervision;

namespace Pipeline.Runtime.Actors;

/// <summary>The parent of all top-level actors of one kind (/user or /system).</summary>
internal sealed class GuardianActor(SupervisorStrategy strategy) : ActorBase
{
    protected override bool Receive(object message) => false;

    protected override SupervisorStrategy SupervisorStrategy() => strategy;

    protected override void PreRestart(Exception reason, object? message)
    {
        // A guardian keeps its children across a restart.
    }
}

/// <summary>
/// The root of the tree. It stops the system in order: when /user has terminated it stops /system, and when
/// /system has terminated it stops itself, which completes the system's termination.
/// </summary>
internal sealed class RootGuardianActor : ActorBase
{
    internal sealed record WatchGuardians(IActorRef User, IActorRef System) : INoSerializationVerificationNeeded;

    private IActorRef? _user;
    private IActorRef? _system;

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case WatchGuardians g:
                _user = Context.Watch(g.User);
                _system = Context.Watch(g.System);
                return true;
            case Terminated t when Equals(t.ActorRef, _user):
                if (_system is not null) Context.Stop(_system);
                return true;
            case Terminated t when Equals(t.ActorRef, _system):
                Context.Stop(Self);
                return true;
            case Terminated:
                return true;
        }
        return false;
    }

    protected override SupervisorStrategy SupervisorStrategy() => Supervision.SupervisorStrategy.StoppingStrategy;
}
