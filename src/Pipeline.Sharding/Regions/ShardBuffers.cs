using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Regions;

/// <summary>A region's per-shard message buffers, bounded in total.</summary>
internal sealed class ShardBuffers(int capacity)
{
    private readonly Dictionary<string, LinkedList<(object Message, IActorRef Sender)>> _byShard = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    public bool IsFull => Count >= capacity;

    public IEnumerable<string> Shards => _byShard.Keys;

    public bool Has(string shardId) => _byShard.ContainsKey(shardId);

    /// <summary>Appends; returns true when it is the shard's first buffered message.</summary>
    public bool Add(string shardId, object message, IActorRef sender)
    {
        var first = false;
        if (!_byShard.TryGetValue(shardId, out var list))
        {
            list = new LinkedList<(object, IActorRef)>();
            _byShard[shardId] = list;
            first = true;
        }
        list.AddLast((message, sender));
        Count++;
        return first;
    }

    /// <summary>Puts messages in front (they are older than what is buffered).</summary>
    public void Prepend(string shardId, IReadOnlyList<(object Message, IActorRef Sender)> messages)
    {
        if (messages.Count == 0) return;
        if (!_byShard.TryGetValue(shardId, out var list))
        {
            list = new LinkedList<(object, IActorRef)>();
            _byShard[shardId] = list;
        }
        for (var i = messages.Count - 1; i >= 0; i--) list.AddFirst(messages[i]);
        Count += messages.Count;
    }

    public IReadOnlyList<(object Message, IActorRef Sender)> Take(string shardId)
    {
        if (!_byShard.Remove(shardId, out var list)) return [];
        Count -= list.Count;
        return list.ToList();
    }

    public IReadOnlyList<(object Message, IActorRef Sender)> TakeAll()
    {
        var all = _byShard.Values.SelectMany(l => l).ToList();
        _byShard.Clear();
        Count = 0;
        return all;
    }
}
