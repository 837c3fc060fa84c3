using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Cluster.Extension;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Cluster.Remoting;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Scheduling;

namespace Pipeline.Cluster.Singleton;

/// <summary>
/// Sends messages to the cluster singleton wherever it runs (Akka's ClusterSingletonProxy): it tracks the oldest
/// Up member with the role, identifies the singleton under that node's manager, forwards with the original
/// sender, and buffers (bounded; the oldest overflow to dead letters) while there is none, e.g. during a
/// hand-over or a take-over after a crash (from the moment the singleton's node is reported unreachable).
/// </summary>
public sealed class ClusterSingletonProxy : ActorBase
{
    private readonly string _singletonPath;
    private readonly ClusterSingletonSettings _settings;
    private readonly Queue<(object Message, IActorRef? Sender)> _buffer = new();
    private ClusterExtension? _cluster;
    private Member? _oldest;
    private IActorRef? _singleton;
    private ICancelable? _identifyTimer;
    private long _identifyId;

    /// <summary>Creates the proxy; use <see cref="Props"/>.</summary>
    public ClusterSingletonProxy(string singletonManagerPath, ClusterSingletonSettings settings)
    {
        _singletonPath = singletonManagerPath.TrimEnd('/') + "/" + settings.SingletonName;
        _settings = settings;
    }

    /// <summary>Props of a proxy to the singleton whose manager runs at <paramref name="singletonManagerPath"/> (e.g. "/user/jobs") on every node.</summary>
    public static Props Props(string singletonManagerPath, ClusterSingletonSettings? settings = null)
    {
        if (string.IsNullOrWhiteSpace(singletonManagerPath) || !singletonManagerPath.StartsWith('/'))
            throw new ArgumentException($"The singleton manager path '{singletonManagerPath}' must be an absolute path without address, e.g. /user/jobs.", nameof(singletonManagerPath));
        var s = settings ?? new ClusterSingletonSettings();
        s.Validate();
        return Runtime.Actors.Props.Create(() => new ClusterSingletonProxy(singletonManagerPath, s));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _cluster = ClusterExtension.Get(Context.System);
        _cluster.Subscribe(Self, InitialStateMode.AsSnapshot, typeof(MemberEvent));
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _identifyTimer?.Cancel();
        _cluster?.Unsubscribe(Self);
        foreach (var (message, sender) in _buffer) Context.System.DeadLetters.Tell(new DeadLetter(message, sender, Self, "singleton proxy stopped"));
        _buffer.Clear();
    }

    /// <inheritdoc />
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case UnreachableMember u when _singleton is not null && u.Member.Node == _oldest?.Node:
                // its node cannot be reached (crashed, most likely): buffer rather than send into the void, and
                // identify again, which finds it if the node comes back or the next oldest once the table moves on
                Context.Log.LogInformation("Singleton proxy: {Node} is unreachable; buffering until the singleton is found again", u.Member.Node);
                Context.Unwatch(_singleton);
                _singleton = null;
                StartIdentifying();
                return true;
            case ClusterEvent:
                TrackOldest();
                return true;
            case IdentifySingletonTick:
                Identify();
                return true;
            case ActorIdentity identity:
                OnIdentity(identity);
                return true;
            case Terminated t when _singleton is not null && t.ActorRef.Equals(_singleton):
                _singleton = null;
                StartIdentifying();
                return true;
            case Terminated:
                return true;
            default:
                if (_singleton is not null) _singleton.Tell(message, Sender);
                else Buffer(message, Sender);
                return true;
        }
    }

    private void TrackOldest()
    {
        var oldest = SingletonPlacement.Oldest(_cluster!.Members, _settings.Role);
        if (oldest?.Node == _oldest?.Node) return;
        _oldest = oldest;
        if (_singleton is not null) Context.Unwatch(_singleton);
        _singleton = null;
        if (oldest is null) _identifyTimer?.Cancel();
        else StartIdentifying();
    }

    private void StartIdentifying()
    {
        _identifyTimer?.Cancel();
        _identifyTimer = Context.System.Scheduler.ScheduleTellRepeatedly(TimeSpan.Zero, _settings.IdentifyInterval, Self, new IdentifySingletonTick(), Self);
    }

    private void Identify()
    {
        if (_oldest is null || _singleton is not null)
        {
            _identifyTimer?.Cancel();
            return;
        }
        var path = _oldest.Node == _cluster!.SelfAddress ? _singletonPath : RemoteActorRefProvider.ToAddress(_oldest.Node.Address) + _singletonPath;
        Context.System.ActorSelection(path).Tell(new Identify(++_identifyId), Self);
    }

    private void OnIdentity(ActorIdentity identity)
    {
        if (identity.Subject is null || _singleton is not null) return;
        if (identity.MessageId is not IConvertible id || id.ToInt64(CultureInfo.InvariantCulture) != _identifyId) return; // an answer about an earlier oldest
        _identifyTimer?.Cancel();
        _singleton = identity.Subject;
        Context.Watch(_singleton);
        Context.Log.LogInformation("Singleton proxy found {Singleton}; delivering {Count} buffered messages", _singleton.Path, _buffer.Count);
        while (_buffer.TryDequeue(out var buffered)) _singleton.Tell(buffered.Message, buffered.Sender);
    }

    private void Buffer(object message, IActorRef? sender)
    {
        if (_settings.BufferSize == 0)
        {
            Context.System.DeadLetters.Tell(new DeadLetter(message, sender, Self, "no singleton is known and the proxy buffer size is 0"));
            return;
        }
        if (_buffer.Count >= _settings.BufferSize && _buffer.TryDequeue(out var dropped))
            Context.System.DeadLetters.Tell(new DeadLetter(dropped.Message, dropped.Sender, Self, $"singleton proxy buffer full ({_settings.BufferSize} messages) while no singleton is known"));
        _buffer.Enqueue((message, sender));
    }
}
