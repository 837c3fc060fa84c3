namespace Pipeline.Sharding.TestHost;

/// <summary>Message number <see cref="Seq"/> (from 1) of the client's stream to entity <see cref="EntityId"/>.</summary>
public sealed record SeqMessage(string EntityId, long Seq);

/// <summary>The entity has processed every message up to and including <see cref="Seq"/> (cumulative).</summary>
public sealed record SeqAck(string EntityId, long Seq);

/// <summary>The entity's persisted event: it processed message <see cref="Seq"/>.</summary>
public sealed record Processed(long Seq);

/// <summary>The handoff/passivation stop message: the entity stops after its pending writes.</summary>
public sealed record StopEntity;
