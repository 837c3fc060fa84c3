using Pipeline.Cluster.Transport;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Dispatch;

namespace Pipeline.Cluster.Remoting;

/// <summary>
/// A reference to an actor on another node. Telling it serializes the message with the system's registry and
/// queues it on the peer's association (the ref keeps the <see cref="RemotePeer"/> handle, so sends skip the
/// address lookup); watching it registers a remote watch (Terminated comes back when the actor stops or its
/// node is lost). Whether the actor exists is only known on its node.
/// </summary>
public sealed class RemoteActorRef : InternalActorRef
{
    private readonly RemoteActorRefProvider _provider;
    private readonly ActorPath _path;
    private string? _wirePath;
    // the local sender that told this ref last and its wire path: a ref is mostly told by one actor (a reply goes
    // back to the asker, a client talks to its server), so this saves the provider's weak-table lookup per message;
    // it keeps that one sender reachable while this ref lives (replaced by the next sender)
    private SenderPathEntry? _lastSender;

    internal RemoteActorRef(RemoteActorRefProvider provider, ActorPath path, RemotePeer peer)
    {
        _provider = provider;
        _path = path;
        Peer = peer;
        IsTemporary = path.Elements is ["temp", _];
    }

    /// <summary>True for an ask's temporary actor on the other node (answered once; its path is never worth indexing).</summary>
    internal bool IsTemporary { get; }

    /// <inheritdoc />
    public override ActorPath Path => _path;

    /// <summary>The remote actor's parent (another remote reference).</summary>
    public override InternalActorRef Parent => _path.Parent == _path ? this : _provider.ResolveRemoteRef(_path.Parent);

    /// <summary>Always false: only the remote node knows (watch it to learn when it stops).</summary>
    public override bool IsTerminated => false;

    /// <inheritdoc />
    public override bool IsLocal => false;

    /// <summary>The association this reference sends through.</summary>
    internal RemotePeer Peer { get; }

    /// <summary>The target path as written on the wire: full address, and the uid when known.</summary>
    internal string WirePath => _wirePath ??= _path.Uid == 0 ? _path.ToString() : _path + "#" + _path.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The wire path of <paramref name="sender"/> if it was the last local sender cached here, else null.</summary>
    internal string? CachedSenderPath(IActorRef sender)
        => Volatile.Read(ref _lastSender) is { } last && ReferenceEquals(last.Sender, sender) ? last.Path : null;

    /// <summary>Remembers the wire path of the local actor that told this ref last.</summary>
    internal void CacheSenderPath(IActorRef sender, string path) => Volatile.Write(ref _lastSender, new SenderPathEntry(sender, path));

    internal override ActorSystem? OwnerSystem => _provider.System;

    /// <inheritdoc />
    public override void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        _provider.Send(this, message, sender);
    }

    internal override void SendSystemMessage(SystemMessage message) => _provider.OnSystemMessageToRemote(this, message);

    /// <summary>Stops the remote actor (a <see cref="PoisonPill"/> travels to it).</summary>
    public override void Stop() => Tell(PoisonPill.Instance);

    /// <inheritdoc />
    public override InternalActorRef? GetChild(string name) => _provider.ResolveRemoteRef(_path.Child(name));

    // immutable, so a sender on any thread reads a consistent pair while another replaces it
    private sealed record SenderPathEntry(IActorRef Sender, string Path);
}
