using Pipeline.Runtime.Supervision;

namespace Pipeline.Runtime.Actors;

/// <summary>
/// An actor's children by name, with their restart statistics. Guarded by a lock because top-level actors are
/// created from any thread (ActorSystem.ActorOf), while everything else happens inside the parent.
/// </summary>
internal sealed class ChildrenContainer
{
    private readonly Dictionary<string, ActorCell?> _byName = new(StringComparer.Ordinal);
    private Dictionary<ActorCell, ChildRestartStats>? _stats;
    private HashSet<ActorCell>? _stopping;
    private readonly Lock _lock = new();
    private long _nameCounter;

    /// <summary>Reserves a name; throws when it is taken.</summary>
    public void Reserve(string name, ActorPath parentPath)
    {
        lock (_lock)
        {
            if (!_byName.TryAdd(name, null))
                throw new InvalidActorNameException($"Actor name '{name}' is not unique under {parentPath}: a sibling with that name exists or is stopping.");
        }
    }

    public void Initialize(string name, ActorCell child)
    {
        lock (_lock) _byName[name] = child;
    }

    public void Unreserve(string name)
    {
        lock (_lock) _byName.Remove(name);
    }

    public string NextRandomName()
    {
        var n = Interlocked.Increment(ref _nameCounter);
        Span<char> buffer = stackalloc char[16];
        var i = buffer.Length;
        do
        {
            buffer[--i] = (char)('a' + (int)(n % 26));
            n /= 26;
        } while (n > 0);
        buffer[--i] = '$';
        return new string(buffer[i..]);
    }

    public ActorCell? Get(string name)
    {
        lock (_lock) return _byName.TryGetValue(name, out var c) ? c : null;
    }

    /// <summary>Removes a terminated child; returns false when it was not (or no longer) this child.</summary>
    public bool Remove(IActorRef child)
    {
        lock (_lock)
        {
            if (!_byName.TryGetValue(child.Path.Name, out var c) || c is null || !ReferenceEquals(c, child)) return false;
            _byName.Remove(child.Path.Name);
            _stats?.Remove(c);
            _stopping?.Remove(c);
            return true;
        }
    }

    public bool Contains(IActorRef child)
    {
        lock (_lock) return _byName.TryGetValue(child.Path.Name, out var c) && ReferenceEquals(c, child);
    }

    public ActorCell[] Snapshot(bool excludeStopping = false)
    {
        lock (_lock)
        {
            var list = new List<ActorCell>(_byName.Count);
            foreach (var c in _byName.Values)
                if (c is not null && !(excludeStopping && _stopping is not null && _stopping.Contains(c))) list.Add(c);
            return list.ToArray();
        }
    }

    /// <summary>Records that a child was told to stop (a restarting parent waits for such children).</summary>
    public void MarkStopping(ActorCell child)
    {
        lock (_lock)
        {
            if (_byName.TryGetValue(child.Path.Name, out var c) && ReferenceEquals(c, child))
                (_stopping ??= new HashSet<ActorCell>(ReferenceEqualityComparer.Instance)).Add(child);
        }
    }

    public bool AnyStopping
    {
        get { lock (_lock) return _stopping is { Count: > 0 }; }
    }

    public int Count
    {
        get { lock (_lock) return _byName.Count; }
    }

    public ChildRestartStats StatsFor(ActorCell child)
    {
        lock (_lock)
        {
            _stats ??= new Dictionary<ActorCell, ChildRestartStats>(ReferenceEqualityComparer.Instance);
            if (!_stats.TryGetValue(child, out var s)) _stats[child] = s = new ChildRestartStats();
            return s;
        }
    }
}
