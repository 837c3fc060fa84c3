namespace Pipeline.Sharding.Queries;

/// <summary>
/// One region's shards with their entities, plus its own buffer counters: messages buffered now, buffered in total,
/// and dropped because the buffer was full.
/// </summary>
public sealed record ShardRegionState(IReadOnlyList<ShardState> Shards, int BufferedNow, long BufferedTotal, long DroppedTotal);
