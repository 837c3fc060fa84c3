namespace Pipeline.Sharding.Api;

/// <summary>
/// Starts an entity without sending it an application message (e.g. to warm it up or make it remembered);
/// the shard answers the sender with <see cref="StartEntityAck"/> once the entity runs.
/// </summary>
public sealed record StartEntity(string EntityId);
