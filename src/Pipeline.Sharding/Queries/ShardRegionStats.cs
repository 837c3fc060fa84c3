using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Queries;

/// <summary>One region's shards with the number of active entities in each.</summary>
public sealed record ShardRegionStats(IActorRef Region, IReadOnlyDictionary<string, int> Stats);
