using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Queries;

/// <summary>The regions registered with the coordinator (proxies excluded).</summary>
public sealed record CurrentRegions(IReadOnlyList<IActorRef> Regions);
