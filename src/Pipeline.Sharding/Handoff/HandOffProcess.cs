using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Scheduling;

namespace Pipeline.Sharding.Handoff;

/// <summary>The coordinator's record of one shard in transit.</summary>
internal sealed class HandOffProcess(string shardId, IActorRef owner, IActorRef? target, string reason, HashSet<IActorRef> pendingAcks, long startedAt)
{
    public string ShardId { get; } = shardId;
    public IActorRef Owner { get; } = owner;
    public IActorRef? Target { get; set; } = target;
    public string Reason { get; } = reason;
    public HashSet<IActorRef> PendingAcks { get; } = pendingAcks;
    public bool HandOffSent { get; set; }
    public long StartedAt { get; } = startedAt;
    public ICancelable? Timeout { get; set; }
    public List<IActorRef> WaitingForHome { get; } = new();

    public string Stage => HandOffSent ? "waiting for the owner's ShardStopped" : $"waiting for {PendingAcks.Count} BeginHandOffAck(s) ({string.Join(", ", PendingAcks.Select(a => a.Path.ToString()))})";
}
