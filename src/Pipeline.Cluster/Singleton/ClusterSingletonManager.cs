using Microsoft.Extensions.Logging;
using Pipeline.Cluster.Extension;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Runtime.Scheduling;

namespace Pipeline.Cluster.Singleton;

/// <summary>
/// Runs one actor cluster-wide (Akka's ClusterSingletonManager): start it on every node (same name, same
/// settings); the manager on the oldest Up member with the role starts the singleton as its child, and only
/// after the previous oldest finished handing over (Exiting) or was removed (after a crash). A leaving node
/// stops its singleton during the leave's hand-over step, before it becomes Exiting, so the next oldest starts
/// it only once it is stopped: the singleton never runs twice at once while the membership store is reachable.
/// </summary>
public sealed class ClusterSingletonManager : ActorBase
{
    private readonly Props _singletonProps;
    private readonly ClusterSingletonSettings _settings;
    private ClusterExtension? _cluster;
    private IDisposable? _handOverRegistration;
    private IActorRef? _singleton;
    private IActorRef? _handOverRequester;
    private bool _handingOver;
    private string? _waitingFor;
    private bool _stoppedItself;
    private bool _stopRequested;
    private ICancelable? _freshnessTimer;

    /// <summary>Creates the manager; use <see cref="Props"/>.</summary>
    public ClusterSingletonManager(Props singletonProps, ClusterSingletonSettings settings)
    {
        _singletonProps = singletonProps;
        _settings = settings;
    }

    /// <summary>Props of a manager for the singleton made by <paramref name="singletonProps"/>; the system must have a started <see cref="ClusterExtension"/>.</summary>
    public static Props Props(Props singletonProps, ClusterSingletonSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(singletonProps);
        var s = settings ?? new ClusterSingletonSettings();
        s.Validate();
        return Runtime.Actors.Props.Create(() => new ClusterSingletonManager(singletonProps, s));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _cluster = ClusterExtension.Get(Context.System);
        var self = Self;
        var timeout = _settings.HandOverTimeout;
        _handOverRegistration = _cluster.RegisterHandOver(async ct =>
        {
            try
            {
                await self.Ask<HandOverDone>(new HandOverRequest(), timeout, ct).ConfigureAwait(false);
            }
            catch (AskTimeoutException e)
            {
                Context.System.LoggerFactory.CreateLogger<ClusterSingletonManager>().LogWarning("Singleton hand-over of {Manager} did not finish: {Error}", self.Path, e.Message);
            }
        });
        _cluster.Subscribe(Self, InitialStateMode.AsSnapshot, typeof(MemberEvent));
        var check = _settings.MembershipStaleAfter / 4;
        _freshnessTimer = Context.System.Scheduler.ScheduleTellRepeatedly(check, check, Self, new CheckMembershipFreshness(), Self);
        var takeOver = _cluster.Settings.FailureDetector.AcceptableHeartbeatPause + _cluster.Settings.Membership.DownRemovalGrace;
        if (_settings.MembershipStaleAfter >= takeOver)
            Context.Log.LogWarning("ClusterSingletonSettings.MembershipStaleAfter ({Stale}) is not below the acceptable heartbeat pause plus the Down-removal grace ({TakeOver}): " +
                                   "a node cut off from the store might still run the singleton when another takes over", _settings.MembershipStaleAfter, takeOver);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _freshnessTimer?.Cancel();
        _cluster?.Unsubscribe(Self);
        _handOverRegistration?.Dispose();
    }

    /// <inheritdoc />
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case ClusterEvent:
            case CheckMembershipFreshness:
                Evaluate();
                return true;
            case HandOverRequest:
                _handingOver = true;
                if (_singleton is null) Sender.Tell(new HandOverDone(), Self);
                else
                {
                    _handOverRequester = Sender;
                    Context.Log.LogInformation("Handing over: stopping singleton {Singleton} on {Node}", _singleton.Path, _cluster!.SelfAddress);
                    StopSingleton();
                }
                return true;
            case Terminated t when _singleton is not null && t.ActorRef.Equals(_singleton):
                Context.Log.LogInformation("Singleton {Singleton} stopped on {Node}", _singleton.Path, _cluster!.SelfAddress);
                // stopped by neither a hand-over, a move nor a stale view: it stopped itself, and stays stopped on this node
                _stoppedItself = !_stopRequested;
                _stopRequested = false;
                _singleton = null;
                _handOverRequester?.Tell(new HandOverDone(), Self);
                _handOverRequester = null;
                return true;
            default:
                return false;
        }
    }

    private void Evaluate()
    {
        if (_handingOver) return;
        var cluster = _cluster!;
        var sinceRead = cluster.Node.Membership.SinceLastRead;
        if (sinceRead > _settings.MembershipStaleAfter)
        {
            if (_singleton is not null && !_stopRequested)
            {
                Context.Log.LogWarning("{Node} has not read the membership store for {Elapsed}: it may have been declared Down, so it stops singleton {Singleton}",
                    cluster.SelfAddress, sinceRead, _singleton.Path);
                StopSingleton();
            }
            return;
        }
        var mayRun = SingletonPlacement.MayRun(cluster.Members, cluster.SelfAddress, _settings.Role, out var blocker);
        if (mayRun)
        {
            if (_singleton is not null || _stoppedItself) return;
            _singleton = Context.ActorOf(_singletonProps, _settings.SingletonName);
            Context.Watch(_singleton);
            _waitingFor = null;
            Context.Log.LogInformation("Singleton {Singleton} started on the oldest member {Node}", _singleton.Path, cluster.SelfAddress);
        }
        else if (_singleton is not null && !_stopRequested)
        {
            // Leaving: the hand-over step stops it, after the hand-over work registered before it (shard regions
            // handing their shards off through a coordinator singleton). No other node may start it meanwhile.
            if (cluster.SelfMember?.Status == MemberStatus.Leaving) return;
            Context.Log.LogWarning("{Node} is no longer the oldest member: stopping singleton {Singleton}", cluster.SelfAddress, _singleton.Path);
            StopSingleton();
        }
        else if (blocker is not null && blocker.ToString() != _waitingFor)
        {
            _waitingFor = blocker.ToString();
            Context.Log.LogInformation("{Node} is the oldest member; the singleton starts once {Previous} has handed over or is removed", cluster.SelfAddress, _waitingFor);
        }
    }

    private void StopSingleton()
    {
        _stopRequested = true;
        Context.Stop(_singleton!);
    }
}
