using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Handoff;

/// <summary>
/// The handoff protocol (Akka's, with one ordering fix). 1: the coordinator sends <see cref="BeginHandOff"/> to
/// every region and proxy; non-owners stop routing the shard and buffer, and send their
/// <see cref="BeginHandOffAck"/> through the owner region (the same channel as the messages they forwarded before,
/// so the owner has passed those on to its shard before the ack reaches the coordinator); the owner keeps routing
/// to its shard and acks directly. 2: with all acks, the coordinator sends <see cref="HandOff"/> to the owner, which
/// buffers from then on and lets its shard stop the entities with the stop message. 3: the owner answers
/// <see cref="ShardStopped"/>; the coordinator allocates the shard elsewhere and sends the new home to every
/// region, which flush their buffers there.
/// </summary>
public static class HandOffProtocol
{
    /// <summary>Stop routing <see cref="ShardId"/> (unless you are <see cref="Owner"/>) and acknowledge.</summary>
    public sealed record BeginHandOff(string ShardId, IActorRef Owner);

    /// <summary><see cref="Region"/> stopped routing the shard (relayed through the owner).</summary>
    public sealed record BeginHandOffAck(string ShardId, IActorRef Region);

    /// <summary>To the owner: stop the shard's entities, then answer <see cref="ShardStopped"/>.</summary>
    public sealed record HandOff(string ShardId);

    /// <summary>From the owner: the shard's entities are all stopped.</summary>
    public sealed record ShardStopped(string ShardId);

    /// <summary>
    /// To the former owner: the handoff is stored, but no region could take the shard (it is allocated when one
    /// registers). A leaving region waits for this or the shard's new <c>ShardHome</c> before it stops, so that the
    /// coordinator has stored every move before the node hands the coordinator over.
    /// </summary>
    public sealed record ShardUnallocated(string ShardId);
}
