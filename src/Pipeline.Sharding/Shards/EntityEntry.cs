using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Shards;

/// <summary>What a shard knows about one entity.</summary>
internal sealed class EntityEntry(string id)
{
    public string Id { get; } = id;
    public IActorRef? Ref { get; set; }
    public EntityStatus Status { get; set; } = EntityStatus.Starting;
    public Queue<(object Message, IActorRef Sender)>? Buffer { get; set; }
    public long LastActive { get; set; }
    public LinkedListNode<EntityEntry>? LruNode { get; set; }

    public int Buffered => Buffer?.Count ?? 0;

    public void Enqueue(object message, IActorRef sender) => (Buffer ??= new Queue<(object, IActorRef)>()).Enqueue((message, sender));
}

/// <summary>The life of an entity inside its shard.</summary>
internal enum EntityStatus
{
    /// <summary>Its start is being stored (remember-entities); messages are buffered.</summary>
    Starting,
    /// <summary>Running.</summary>
    Active,
    /// <summary>Got the stop message; messages are buffered and restart it once it has stopped.</summary>
    Passivating,
    /// <summary>Stopped on its own with remember-entities: restarts after the backoff.</summary>
    WaitingRestart,
}
