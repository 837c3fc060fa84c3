using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Shards;

/// <summary>Messages between a region and its shards (parent and children, always local).</summary>
internal static class ShardProtocol
{
    /// <summary>The shard's share of the region's active-entity limit.</summary>
    public sealed record SetEntityLimit(int Limit) : INoSerializationVerificationNeeded;

    /// <summary>Asks for the entity count; answered with <see cref="ShardStats"/>.</summary>
    public sealed record GetShardStats : INoSerializationVerificationNeeded;

    public sealed record ShardStats(string ShardId, int Entities) : INoSerializationVerificationNeeded;

    /// <summary>The shard stopped all its entities for a handoff; <see cref="Leftovers"/> are messages it still held, oldest first.</summary>
    public sealed record HandOffCompleted(string ShardId, IReadOnlyList<(object Message, IActorRef Sender)> Leftovers) : INoSerializationVerificationNeeded;

    public sealed record IdleTick : INoSerializationVerificationNeeded;

    public sealed record StopTimeout : INoSerializationVerificationNeeded;

    public sealed record RestartEntity(string EntityId) : INoSerializationVerificationNeeded;
}
