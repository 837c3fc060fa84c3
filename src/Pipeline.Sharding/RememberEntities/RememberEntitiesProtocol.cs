using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.RememberEntities;

/// <summary>Messages between a shard and its remember-entities store (parent and child, always local).</summary>
internal static class RememberEntitiesProtocol
{
    public sealed record GetEntities : INoSerializationVerificationNeeded;

    public sealed record RememberedEntities(IReadOnlyList<string> EntityIds) : INoSerializationVerificationNeeded;

    public sealed record AddEntity(string EntityId) : INoSerializationVerificationNeeded;

    public sealed record EntityAdded(string EntityId) : INoSerializationVerificationNeeded;

    public sealed record RemoveEntity(string EntityId) : INoSerializationVerificationNeeded;

    public sealed record StopStore : INoSerializationVerificationNeeded;
}
