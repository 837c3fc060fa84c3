using Pipeline.Runtime.Actors;
using Pipeline.Sharding.Allocation;

namespace Pipeline.Sharding.Coordinator;

/// <summary>The coordinator's persistent state, changed only by applying events (during recovery and after persist).</summary>
internal sealed class CoordinatorState
{
    private readonly Dictionary<IActorRef, List<string>> _regions = new();
    private readonly List<IActorRef> _regionOrder = new();

    public HashSet<IActorRef> Proxies { get; } = new();

    public Dictionary<string, IActorRef> Shards { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<IActorRef> Regions => _regionOrder;

    public bool IsRegion(IActorRef r) => _regions.ContainsKey(r);

    public IReadOnlyList<string> ShardsOf(IActorRef region) => _regions.TryGetValue(region, out var l) ? l : [];

    public void Apply(object e)
    {
        switch (e)
        {
            case CoordinatorEvents.RegionRegistered r:
                if (_regions.TryAdd(r.Region, new List<string>())) _regionOrder.Add(r.Region);
                break;
            case CoordinatorEvents.ProxyRegistered p:
                Proxies.Add(p.Proxy);
                break;
            case CoordinatorEvents.RegionTerminated t:
                if (_regions.Remove(t.Region, out var shards))
                {
                    foreach (var s in shards) Shards.Remove(s);
                    _regionOrder.Remove(t.Region);
                }
                break;
            case CoordinatorEvents.ProxyTerminated p:
                Proxies.Remove(p.Proxy);
                break;
            case CoordinatorEvents.ShardHomeAllocated a:
                if (Shards.Remove(a.ShardId, out var previous) && _regions.TryGetValue(previous, out var prevList)) prevList.Remove(a.ShardId);
                if (!_regions.TryGetValue(a.Region, out var list))
                {
                    list = new List<string>();
                    _regions.Add(a.Region, list);
                    _regionOrder.Add(a.Region);
                }
                list.Add(a.ShardId);
                Shards[a.ShardId] = a.Region;
                break;
            case CoordinatorEvents.ShardHomeDeallocated d:
                if (Shards.Remove(d.ShardId, out var owner) && _regions.TryGetValue(owner, out var ownerList)) ownerList.Remove(d.ShardId);
                break;
            case CoordinatorEvents.Snapshot s:
                _regions.Clear();
                _regionOrder.Clear();
                Proxies.Clear();
                Shards.Clear();
                foreach (var r in s.Regions) Apply(new CoordinatorEvents.RegionRegistered(r));
                foreach (var p in s.Proxies) Proxies.Add(p);
                foreach (var a in s.Shards) Apply(a);
                break;
        }
    }

    public CoordinatorEvents.Snapshot ToSnapshot() => new(
        _regionOrder.ToList(),
        Proxies.ToList(),
        Shards.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new CoordinatorEvents.ShardHomeAllocated(kv.Key, kv.Value)).ToList());

    public static string IdOf(IActorRef region) => region.Path.ToString() + "#" + region.Path.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The strategy's view of the regions that may receive shards.</summary>
    public IReadOnlyList<RegionAllocation> View(Func<IActorRef, bool> include, IReadOnlyDictionary<IActorRef, RegionLoad> loads)
        => _regionOrder.Where(include)
            .Select(r => new RegionAllocation(IdOf(r), _regions[r].ToList(), loads.TryGetValue(r, out var l) ? l : null))
            .ToList();
}
