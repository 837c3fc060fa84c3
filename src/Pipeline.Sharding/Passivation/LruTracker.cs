using Pipeline.Sharding.Shards;

namespace Pipeline.Sharding.Passivation;

/// <summary>
/// Least-recently-used order of a shard's active entities: O(1) touch, O(1) eviction of the oldest. Used only
/// when the region has an active-entity limit.
/// </summary>
internal sealed class LruTracker
{
    private readonly LinkedList<EntityEntry> _list = new();

    public int Count => _list.Count;

    public void Touch(EntityEntry e)
    {
        if (e.LruNode is { } node)
        {
            if (node != _list.Last)
            {
                _list.Remove(node);
                _list.AddLast(node);
            }
            return;
        }
        e.LruNode = _list.AddLast(e);
    }

    public void Remove(EntityEntry e)
    {
        if (e.LruNode is null) return;
        _list.Remove(e.LruNode);
        e.LruNode = null;
    }

    /// <summary>The least recently used entity other than <paramref name="except"/>, or null.</summary>
    public EntityEntry? Oldest(EntityEntry? except)
    {
        for (var n = _list.First; n is not null; n = n.Next)
            if (!ReferenceEquals(n.Value, except)) return n.Value;
        return null;
    }
}
