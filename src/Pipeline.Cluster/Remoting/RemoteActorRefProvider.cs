using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Cluster.Transport;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Dispatch;
using Pipeline.Runtime.Patterns;
using Pipeline.Runtime.Serialization;
using ProtoDeathWatch = Pipeline.Cluster.Wire.Protocol.DeathWatchNotification;
using ProtoUnwatch = Pipeline.Cluster.Wire.Protocol.Unwatch;
using ProtoWatch = Pipeline.Cluster.Wire.Protocol.Watch;

namespace Pipeline.Cluster.Remoting;

/// <summary>
/// Remoting on the kernel: the actor system hands it references and selections on other nodes
/// (<see cref="IRemoteActorRefProvider"/>), and the transport hands it what arrives (<see cref="ITransportHandler"/>).
/// Outbound, a <see cref="RemoteActorRef"/> serializes with the system's registry and queues on the peer.
/// Inbound, the target is resolved locally (an unknown actor becomes a dead letter here, with the reason), the
/// payload is deserialized while the receive buffer is valid, the sender becomes a remote ref, and the message is
/// told. Selections travel as their pattern and are resolved by the receiving node's own tree (wildcards work).
/// Death watch across nodes uses the watch/unwatch/terminated system frames; a node that is Down, Removed or
/// replaced by a new incarnation terminates every watch of its actors (AddressTerminated).
/// </summary>
public sealed class RemoteActorRefProvider : IRemoteActorRefProvider, ITransportHandler
{
    /// <summary>Target paths that start with this character carry an actor-selection pattern, not one actor.</summary>
    public const char SelectionMarker = '?';

    private const int CacheLimit = 8192;

    private readonly ILogger _log;
    private readonly RemoteWatcher _watcher = new();
    private readonly ConcurrentDictionary<string, InternalActorRef> _remoteRefs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InternalActorRef> _localTargets = new(StringComparer.Ordinal);
    // wire paths of local senders, built once per actor (weakly held: a stopped actor's entry goes with it)
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IActorRef, string> _senderPaths = new();
    private readonly ConcurrentDictionary<NodeAddress, long> _incarnations = new();
    // addresses whose last known incarnation is gone (Down, Removed, replaced) and no newer one was seen yet
    private readonly ConcurrentDictionary<NodeAddress, long> _gone = new();
    // the latest incarnation per address that membership showed joining or up
    private readonly ConcurrentDictionary<NodeAddress, long> _newestMember = new();
    private readonly RemoteOutboundSerializer _outbound;
    private InboundSerializer? _lastInbound;
    private ClusterTransport? _transport;
    private UniqueAddress _self;

    /// <summary>Creates the provider for <paramref name="system"/>; <see cref="Attach"/> connects it to a started transport.</summary>
    public RemoteActorRefProvider(ActorSystem system, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        System = system;
        _log = logger ?? NullLogger.Instance;
        _outbound = new RemoteOutboundSerializer(this, _log);
    }

    /// <summary>The actor system whose actors this provider connects.</summary>
    public ActorSystem System { get; }

    /// <summary>This node's incarnation (after <see cref="Attach"/>).</summary>
    public UniqueAddress Self => _self;

    /// <summary>Remote actors watched by local ones now.</summary>
    public int WatchedRemoteActors => _watcher.OutboundCount;

    /// <summary>The actor-system address of a node.</summary>
    public static Address ToAddress(NodeAddress node) => new(Address.DefaultProtocol, node.System, node.Host, node.Port);

    /// <summary>Connects the provider to the node's started transport (before the node joins).</summary>
    public void Attach(ClusterTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        if (_transport is not null) throw new InvalidOperationException("The remote provider is already attached to a transport.");
        _self = transport.LocalAddress;
        _transport = transport;
    }

    // ---- IRemoteActorRefProvider ---------------------------------------------------------------------------

    /// <inheritdoc />
    public IActorRef ResolveRemote(ActorPath path) => ResolveRemoteRef(path);

    /// <inheritdoc />
    public ActorSelection Selection(ActorPath path) => new(ResolveRemoteRef(path.Root), [.. path.Elements]);

    internal InternalActorRef ResolveRemoteRef(ActorPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var address = path.Address;
        if (_transport is not { } transport || address.Host is null || address.Port is not { } port || address.System != System.Name
            || address.Protocol != Address.DefaultProtocol || port is <= 0 or > 65535)
            return NewDeadLetterRef(path);
        var node = new NodeAddress(address.System, address.Host, port);
        // the system resolves its own address itself; a path here with it would loop
        if (node == _self.Address) return NewDeadLetterRef(path);
        return new RemoteActorRef(this, path, transport.Peer(node));
    }

    private InternalActorRef NewDeadLetterRef(ActorPath path) => new DeadLetterActorRef(System, path);

    // ---- outbound -------------------------------------------------------------------------------------------

    internal void Send(RemoteActorRef target, object message, IActorRef? sender)
    {
        // the common case first, in a method without exception handlers (its locals stay in registers): a user
        // message without sender or from the local actor this ref cached, sent by a turn that the connection's
        // reader runs, goes straight into that connection's frame buffer; anything else takes the general path
        if (message is not (SelectionMessage or PoisonPill or Kill) && KnownSenderPath(target, sender, out var senderPath)
            && target.Peer.TryWriteDirect(new OutboundMessage(target.WirePath, senderPath, message, _outbound) { TargetIsTemporary = target.IsTemporary }))
            return;
        SendGeneral(target, message, sender);
    }

    private static bool KnownSenderPath(RemoteActorRef target, IActorRef? sender, out string? path)
    {
        path = sender is null ? null : target.CachedSenderPath(sender);
        return sender is null || path is not null;
    }

    private void SendGeneral(RemoteActorRef target, object message, IActorRef? sender)
    {
        var targetPath = target.WirePath;
        var payload = message;
        switch (message)
        {
            case SelectionMessage selection:
                targetPath = SelectionMarker + target.Path.ToString().TrimEnd('/') + "/" + string.Join('/', selection.Elements.Skip(selection.Index));
                payload = selection.Message;
                break;
            case PoisonPill:
                payload = new RemoteControlMessage(RemoteControlMessage.PoisonPillKind);
                break;
            case Kill:
                payload = new RemoteControlMessage(RemoteControlMessage.KillKind);
                break;
        }
        try
        {
            // the payload is serialized later, on the connection's writer, straight into the frame (no copy)
            var senderPath = SenderPath(target, sender, out var temporary);
            var result = target.Peer.Send(new OutboundMessage(targetPath, senderPath, payload, _outbound) { SenderIsTemporary = temporary, TargetIsTemporary = target.IsTemporary });
            if (result == Transport.EnqueueResult.DroppedNewest)
                System.DeadLetter(message, sender, target, $"the outbound queue to {target.Peer.Address} is full (or the transport drops all traffic)");
        }
        catch (Exception e) when (e is SerializationException or OutboundQueueFullException or ArgumentException or InvalidOperationException)
        {
            _log.LogWarning("Cannot send {Type} to {Target}: {Error}", payload.GetType().Name, target.Path, e.Message);
            System.DeadLetter(message, sender, target, e.Message);
        }
    }

    /// <summary>A message the writer could not send (serialization failed, frame too large) becomes a dead letter here.</summary>
    internal void DeadLetterUnsent(object message, string? senderPath, string targetPath, string reason)
    {
        IActorRef? sender = senderPath is not null && ActorPath.TryParse(senderPath, out var senderParsed) ? System.ResolveActorRef(senderParsed) : null;
        IActorRef recipient = targetPath.Length > 0 && targetPath[0] != SelectionMarker && ActorPath.TryParse(targetPath, out var targetParsed)
            ? ResolveRemoteRef(targetParsed)
            : System.DeadLetters;
        System.DeadLetter(message, sender, recipient, reason);
    }

    private string? SenderPath(RemoteActorRef target, IActorRef? sender, out bool temporary)
    {
        temporary = false;
        switch (sender)
        {
            case null:
                return null;
            case PromiseActorRef promise:
                // the answer comes back by path: make the promise resolvable while it waits
                var path = System.ToSerializationFormat(promise);
                System.RegisterTemp(promise);
                if (promise.IsTerminated) System.UnregisterTemp(promise);
                temporary = true;
                return path;
            case RemoteActorRef remote:
                // an ask's temporary actor on another node, forwarded on: one-shot as well
                temporary = remote.IsTemporary;
                return remote.WirePath;
            default:
                if (target.CachedSenderPath(sender) is { } last) return last;
                if (!_senderPaths.TryGetValue(sender, out var text))
                {
                    text = System.ToSerializationFormat(sender);
                    _senderPaths.AddOrUpdate(sender, text);
                }
                target.CacheSenderPath(sender, text);
                return text;
        }
    }

    internal void OnSystemMessageToRemote(RemoteActorRef target, SystemMessage message)
    {
        switch (message)
        {
            case Runtime.Dispatch.Watch w when ReferenceEquals(w.Watchee, target):
                if (_gone.ContainsKey(target.Peer.Address))
                {
                    // nothing there can answer: the watcher learns at once that the actor is gone with its node
                    w.Watcher.SendSystemMessage(new Runtime.Dispatch.DeathWatchNotification(target, existenceConfirmed: true, addressTerminated: true));
                    break;
                }
                if (_watcher.AddOutbound(target, w.Watcher))
                    SendSystem(target, new SystemFrame { Watch = new ProtoWatch { WatcheePath = target.WirePath, WatcherPath = System.ToSerializationFormat(w.Watcher) } });
                break;
            case Runtime.Dispatch.Unwatch u when ReferenceEquals(u.Watchee, target):
                if (_watcher.RemoveOutbound(target, u.Watcher))
                    SendSystem(target, new SystemFrame { Unwatch = new ProtoUnwatch { WatcheePath = target.WirePath, WatcherPath = System.ToSerializationFormat(u.Watcher) } });
                break;
            case Runtime.Dispatch.DeathWatchNotification n:
                // a local actor that this remote actor watched has terminated
                if (n.Actor is InternalActorRef local) _watcher.RemoveInbound(target.Peer.Address, local, target);
                SendSystem(target, new SystemFrame
                {
                    Terminated = new ProtoDeathWatch
                    {
                        ActorPath = System.ToSerializationFormat(n.Actor), ExistenceConfirmed = n.ExistenceConfirmed, AddressTerminated = n.AddressTerminated,
                    },
                });
                break;
        }
    }

    private void SendSystem(RemoteActorRef target, SystemFrame frame)
    {
        if (!target.Peer.SendSystem(frame))
            _log.LogWarning("Dropped a {Frame} frame to {Peer}: its system queue is full or the transport drops all traffic", frame.BodyCase, target.Peer.Address);
    }

    // ---- inbound --------------------------------------------------------------------------------------------

    /// <inheritdoc />
    public void OnEnvelope(UniqueAddress from, in InboundEnvelope envelope) => Deliver(from, envelope, null);

    /// <inheritdoc />
    public void OnEnvelope(UniqueAddress from, in InboundEnvelope envelope, InlineTurnBatch turns) => Deliver(from, envelope, turns);

    /// <inheritdoc />
    public void OnEnvelopeRun(UniqueAddress from, ref InboundEnvelopeRun run, InlineTurnBatch turns)
    {
        // the run's target and sender are resolved once; until the target is a cached live local actor (the first
        // message of a new path, a selection, a missing actor), messages take the general path one by one
        var header = run.Header;
        var sender = header.SenderPath is null ? null : header.CachedSender as IActorRef;
        while (run.TryNext(out var payload))
        {
            if (header.CachedTarget is not InternalActorRef target || target.IsTerminated || (sender is null && header.SenderPath is not null))
            {
                Deliver(from, header.WithPayload(payload), turns);
                if (header.SenderPath is not null) sender ??= header.CachedSender as IActorRef;
                continue;
            }
            object message;
            try
            {
                message = Deserialize(header.SerializerId, header.Manifest, payload);
            }
            catch (SerializationException e)
            {
                _log.LogWarning("Dropped a message from {From} to {Target}: {Error}", from, header.TargetPath, e.Message);
                continue;
            }
            if (message is RemoteControlMessage control)
                message = control.Kind == RemoteControlMessage.KillKind ? Kill.Instance : PoisonPill.Instance;
            turns.Tell(target, message, sender);
        }
    }

    private void Deliver(UniqueAddress from, in InboundEnvelope envelope, InlineTurnBatch? turns)
    {
        object message;
        try
        {
            message = Deserialize(envelope.SerializerId, envelope.Manifest, envelope.Payload);
        }
        catch (SerializationException e)
        {
            _log.LogWarning("Dropped a message from {From} to {Target}: {Error}", from, envelope.TargetPath, e.Message);
            return;
        }
        if (message is RemoteControlMessage control)
            message = control.Kind == RemoteControlMessage.KillKind ? Kill.Instance : PoisonPill.Instance;
        IActorRef? sender = null;
        if (envelope.SenderPath is { } senderPath)
        {
            // a sender path repeated through the connection's string table is resolved once per connection
            sender = envelope.CachedSender as IActorRef;
            if (sender is null)
            {
                sender = ResolveSender(senderPath);
                if (sender is RemoteActorRef) envelope.CacheSender(sender);
            }
        }
        // likewise the target: a live local actor cached beside its path's string-table entry
        if (envelope.CachedTarget is InternalActorRef cached && !cached.IsTerminated)
        {
            if (turns is null) cached.Tell(message, sender);
            else turns.Tell(cached, message, sender);
            return;
        }
        var target = envelope.TargetPath;
        if (target.Length > 0 && target[0] == SelectionMarker)
        {
            DeliverSelection(from, target[1..], message, sender);
            return;
        }
        var recipient = ResolveLocal(target, out var reason);
        if (reason is not null)
        {
            System.DeadLetter(message, sender, recipient, $"{reason} (message from {from.Address})");
            return;
        }
        if (recipient is not PromiseActorRef) envelope.CacheTarget(recipient);
        if (turns is null) recipient.Tell(message, sender);
        else turns.Tell(recipient, message, sender);
    }

    private object Deserialize(int serializerId, string manifest, ReadOnlySpan<byte> payload)
    {
        // the serializer of the last id seen (streams of one kind are the common case); immutable, so every
        // connection's reader may read it while another replaces it
        var last = Volatile.Read(ref _lastInbound);
        if (last is null || last.Id != serializerId)
        {
            last = new InboundSerializer(serializerId, System.Serialization.GetSerializerById(serializerId));
            Volatile.Write(ref _lastInbound, last);
        }
        try
        {
            return last.Serializer.FromBinary(payload, manifest);
        }
        catch (Exception e) when (e is not SerializationException)
        {
            throw new SerializationException($"Serializer {serializerId} failed to deserialize manifest '{manifest}': {e.Message}", e);
        }
    }

    private sealed record InboundSerializer(int Id, Serializer Serializer);

    private void DeliverSelection(UniqueAddress from, string pattern, object message, IActorRef? sender)
    {
        if (!ActorPath.TryParse(pattern, out var path) || !IsSelf(path.Address))
        {
            System.DeadLetter(message, sender, System.DeadLetters, $"actor selection '{pattern}' from {from.Address} does not name this node ({_self.Address})");
            return;
        }
        System.ActorSelection("/" + string.Join('/', path.Elements)).Tell(message, sender);
    }

    /// <summary>Resolves a target path to a local actor; <paramref name="reason"/> says why none lives there.</summary>
    private InternalActorRef ResolveLocal(string text, out string? reason)
    {
        // repeated targets skip parsing and the tree walk; a stopped actor is looked up again (a new one may live there)
        if (_localTargets.TryGetValue(text, out var cached) && !cached.IsTerminated)
        {
            reason = null;
            return cached;
        }
        if (!ActorPath.TryParse(text, out var path))
        {
            reason = $"'{text}' is not an actor path";
            return System.DeadLettersRef;
        }
        if (!IsSelf(path.Address))
        {
            reason = $"the message is addressed to {path.Address}, but this node is {System.Address}";
            return NewDeadLetterRef(path);
        }
        var resolved = (InternalActorRef)System.ResolveActorRef(path);
        if (resolved is DeadLetterActorRef && path.Elements is not ["deadLetters"])
        {
            reason = path.Uid == 0 ? $"no actor at {path.ToStringWithoutAddress()} on this node" : $"no actor at {path.ToStringWithoutAddress()} with uid {path.Uid} on this node";
            return resolved;
        }
        reason = null;
        if (resolved is not Runtime.Patterns.PromiseActorRef)
        {
            if (_localTargets.Count >= CacheLimit) _localTargets.Clear();
            _localTargets[text] = resolved;
        }
        return resolved;
    }

    private bool IsSelf(Address address) =>
        address.Host is null ? address.System == System.Name : RemoteWatcher.SameNode(address, _self.Address);

    private IActorRef ResolveSender(string path)
    {
        if (_remoteRefs.TryGetValue(path, out var cached)) return cached;
        if (!ActorPath.TryParse(path, out var parsed)) return System.DeadLetters;
        var resolved = (InternalActorRef)System.ResolveActorRef(parsed);
        // an ask's temporary actor answers once: caching it would only push out the paths that repeat
        if (resolved is RemoteActorRef && parsed.Elements is not ["temp", _])
        {
            if (_remoteRefs.Count >= CacheLimit) _remoteRefs.Clear();
            _remoteRefs.TryAdd(path, resolved);
        }
        return resolved;
    }

    /// <inheritdoc />
    public void OnSystemFrame(UniqueAddress from, SystemFrame frame)
    {
        switch (frame.BodyCase)
        {
            case SystemFrame.BodyOneofCase.Watch:
                OnRemoteWatch(from, frame.Watch.WatcheePath, frame.Watch.WatcherPath, watch: true);
                break;
            case SystemFrame.BodyOneofCase.Unwatch:
                OnRemoteWatch(from, frame.Unwatch.WatcheePath, frame.Unwatch.WatcherPath, watch: false);
                break;
            case SystemFrame.BodyOneofCase.Terminated:
                OnRemoteTerminated(frame.Terminated);
                break;
            case SystemFrame.BodyOneofCase.Disconnect:
                _log.LogInformation("{From} disconnected: {Reason}", from, frame.Disconnect.Reason);
                break;
        }
    }

    private void OnRemoteWatch(UniqueAddress from, string watcheePath, string watcherPath, bool watch)
    {
        if (!ActorPath.TryParse(watcherPath, out var watcherParsed) || ResolveRemoteRef(watcherParsed) is not RemoteActorRef watcher)
        {
            _log.LogWarning("Ignored a {Kind} frame from {From}: watcher '{Watcher}' is not a remote actor path", watch ? "watch" : "unwatch", from, watcherPath);
            return;
        }
        var watchee = ResolveLocal(watcheePath, out _);
        if (watch)
        {
            _watcher.AddInbound(from.Address, watchee, watcher);
            // a missing actor answers at once (its dead-letter ref sends the notification back)
            watchee.SendSystemMessage(new Runtime.Dispatch.Watch(watchee, watcher));
        }
        else
        {
            _watcher.RemoveInbound(from.Address, watchee, watcher);
            watchee.SendSystemMessage(new Runtime.Dispatch.Unwatch(watchee, watcher));
        }
    }

    private void OnRemoteTerminated(ProtoDeathWatch frame)
    {
        if (!ActorPath.TryParse(frame.ActorPath, out var path)) return;
        foreach (var (watchee, watcher) in _watcher.TakeTerminated(path))
            watcher.SendSystemMessage(new Runtime.Dispatch.DeathWatchNotification(watchee, frame.ExistenceConfirmed, frame.AddressTerminated));
    }

    /// <inheritdoc />
    public void OnAssociated(UniqueAddress remote)
    {
        var previous = _incarnations.GetOrAdd(remote.Address, remote.Uid);
        if (previous != remote.Uid)
        {
            _incarnations[remote.Address] = remote.Uid;
            AddressTerminated(new UniqueAddress(remote.Address, previous), $"replaced by a new incarnation ({remote.Uid})");
        }
        ForgetGone(remote);
    }

    /// <inheritdoc />
    public void OnDisassociated(UniqueAddress remote, string reason) =>
        _log.LogDebug("Lost the connection to {Remote}: {Reason}", remote, reason);

    /// <summary>Membership events that end a node's actors: Down, Removed.</summary>
    public void OnClusterEvent(ClusterEvent e)
    {
        if (e is MemberJoined or MemberUp)
        {
            var member = ((MemberEvent)e).Member.Node;
            _newestMember[member.Address] = member.Uid;
            ForgetGone(member);
        }
        var node = e switch
        {
            MemberDowned d => d.Member.Node,
            MemberRemoved r => r.Member.Node,
            _ => (UniqueAddress?)null,
        };
        if (node is not { } gone || gone == _self) return;
        // only the incarnation that is gone: watches made on a newer one at the same address stay
        if (_incarnations.TryGetValue(gone.Address, out var current) && current != gone.Uid) return;
        AddressTerminated(gone, e is MemberDowned ? "it is Down" : "it was removed");
    }

    private void ForgetGone(UniqueAddress node)
    {
        if (_gone.TryGetValue(node.Address, out var goneUid) && goneUid != node.Uid)
            _gone.TryRemove(new KeyValuePair<NodeAddress, long>(node.Address, goneUid));
    }

    private void AddressTerminated(UniqueAddress node, string why)
    {
        // gone, unless a newer incarnation of the address already joined (its events can come first)
        if (!_newestMember.TryGetValue(node.Address, out var newest) || newest == node.Uid) _gone[node.Address] = node.Uid;
        var watches = _watcher.TakeNode(node.Address);
        foreach (var (watchee, watcher) in _watcher.TakeInbound(node.Address))
            watchee.SendSystemMessage(new Runtime.Dispatch.Unwatch(watchee, watcher));
        if (watches.Count > 0)
            _log.LogInformation("Node {Node} is gone ({Why}): {Count} watched actors terminated", node, why, watches.Count);
        foreach (var (watchee, watcher) in watches)
            watcher.SendSystemMessage(new Runtime.Dispatch.DeathWatchNotification(watchee, existenceConfirmed: true, addressTerminated: true));
        foreach (var key in _remoteRefs.Keys.Where(k => ActorPath.TryParse(k, out var p) && RemoteWatcher.SameNode(p.Address, node.Address)).ToList())
            _remoteRefs.TryRemove(key, out _);
    }
}
