using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Handoff;

/// <summary>Coordinator timer: the handoff of a shard took longer than HandOffTimeout.</summary>
internal sealed record HandOffTimedOut(string ShardId, long StartedAt) : INoSerializationVerificationNeeded;
