namespace Pipeline.Sharding.Api;

/// <summary>
/// Wraps any message with the id of the entity it is for, so that applications need no extractor logic of
/// their own; every region unwraps it and the entity receives <see cref="Message"/>.
/// </summary>
public sealed record ShardingEnvelope(string EntityId, object Message);
