namespace Pipeline.Sharding.Api;

/// <summary>
/// Tells sharding which entity a message is for, which shard that entity lives in, and what the entity
/// itself receives (Akka's IMessageExtractor). <see cref="ShardingEnvelope"/> and <see cref="StartEntity"/> are
/// handled by the regions for every extractor, so an extractor only deals with the application's own messages.
/// </summary>
public interface IMessageExtractor
{
    /// <summary>The entity id of <paramref name="message"/>, or null when the message is not for an entity (it is then dead-lettered).</summary>
    string? EntityId(object message);

    /// <summary>What the entity receives for <paramref name="message"/> (the message itself, or its unwrapped payload).</summary>
    object EntityMessage(object message);

    /// <summary>The shard of an entity. Must be stable across processes and restarts: all nodes must agree.</summary>
    string ShardId(string entityId, object? message = null);
}
