namespace Pipeline.Sharding.Api;

/// <summary>
/// Sent by an entity to its parent (the shard, <c>Context.Parent</c>) to be stopped gracefully: the shard sends
/// <see cref="StopMessage"/> back to the entity and buffers the messages that arrive meanwhile; if any did, the
/// entity is started again and receives them, so passivation never loses a message.
/// </summary>
public sealed record Passivate(object StopMessage);
