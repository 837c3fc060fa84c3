using Pipeline.Cluster.Addressing;
using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.Remoting;

/// <summary>
/// Death-watch bookkeeping across nodes (Akka's RemoteWatcher, without its heartbeats: membership and the
/// failure detector decide when a node is gone). Outbound: which local actors watch which remote actors, so a
/// Terminated frame or a lost node reaches exactly those watchers once. Inbound: which remote actors watch
/// local ones, so their watches are dropped when their node is gone. Thread-safe; watches are rare next to messages.
/// </summary>
internal sealed class RemoteWatcher
{
    private readonly Lock _gate = new();
    // remote watchee (by place, ignoring the uid) -> (the ref the watcher watched, the local watcher)
    private readonly Dictionary<ActorPath, List<(RemoteActorRef Watchee, InternalActorRef Watcher)>> _outbound = new();
    private readonly Dictionary<NodeAddress, HashSet<(InternalActorRef Watchee, RemoteActorRef Watcher)>> _inbound = new();

    /// <summary>Records that <paramref name="watcher"/> watches <paramref name="watchee"/>; false when it already did.</summary>
    public bool AddOutbound(RemoteActorRef watchee, InternalActorRef watcher)
    {
        lock (_gate)
        {
            if (!_outbound.TryGetValue(watchee.Path, out var list)) _outbound[watchee.Path] = list = [];
            if (list.Exists(p => p.Watcher.Equals(watcher) && p.Watchee.Equals(watchee))) return false;
            list.Add((watchee, watcher));
            return true;
        }
    }

    /// <summary>Forgets a watch; true when it existed.</summary>
    public bool RemoveOutbound(RemoteActorRef watchee, InternalActorRef watcher)
    {
        lock (_gate)
        {
            if (!_outbound.TryGetValue(watchee.Path, out var list)) return false;
            var removed = list.RemoveAll(p => p.Watcher.Equals(watcher) && p.Watchee.Equals(watchee)) > 0;
            if (list.Count == 0) _outbound.Remove(watchee.Path);
            return removed;
        }
    }

    /// <summary>Takes every watch of the remote actor at <paramref name="path"/> (it terminated).</summary>
    public List<(RemoteActorRef Watchee, InternalActorRef Watcher)> TakeTerminated(ActorPath path)
    {
        lock (_gate) return _outbound.Remove(path, out var list) ? list : [];
    }

    /// <summary>Takes every watch of an actor on <paramref name="node"/> (the node is gone).</summary>
    public List<(RemoteActorRef Watchee, InternalActorRef Watcher)> TakeNode(NodeAddress node)
    {
        var taken = new List<(RemoteActorRef, InternalActorRef)>();
        lock (_gate)
        {
            foreach (var path in _outbound.Keys.Where(p => SameNode(p.Address, node)).ToList())
            {
                taken.AddRange(_outbound[path]);
                _outbound.Remove(path);
            }
        }
        return taken;
    }

    /// <summary>Watched remote actors now (for diagnostics and tests).</summary>
    public int OutboundCount
    {
        get { lock (_gate) return _outbound.Values.Sum(l => l.Count); }
    }

    /// <summary>Records that a remote actor watches a local one.</summary>
    public void AddInbound(NodeAddress from, InternalActorRef watchee, RemoteActorRef watcher)
    {
        lock (_gate)
        {
            if (!_inbound.TryGetValue(from, out var set)) _inbound[from] = set = [];
            set.Add((watchee, watcher));
        }
    }

    /// <summary>Forgets an inbound watch (unwatched, or the local actor terminated).</summary>
    public void RemoveInbound(NodeAddress from, InternalActorRef watchee, RemoteActorRef watcher)
    {
        lock (_gate)
        {
            if (_inbound.TryGetValue(from, out var set) && set.Remove((watchee, watcher)) && set.Count == 0) _inbound.Remove(from);
        }
    }

    /// <summary>Takes the watches that actors on <paramref name="node"/> hold on local actors.</summary>
    public List<(InternalActorRef Watchee, RemoteActorRef Watcher)> TakeInbound(NodeAddress node)
    {
        lock (_gate) return _inbound.Remove(node, out var set) ? [.. set] : [];
    }

    internal static bool SameNode(Address address, NodeAddress node) =>
        address.Port == node.Port && string.Equals(address.Host, node.Host, StringComparison.Ordinal) && string.Equals(address.System, node.System, StringComparison.Ordinal);
}
