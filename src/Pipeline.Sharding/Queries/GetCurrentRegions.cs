namespace Pipeline.Sharding.Queries;

/// <summary>Asks the coordinator (or any region, which forwards it) for the registered regions; the answer is <see cref="CurrentRegions"/>.</summary>
public sealed record GetCurrentRegions;
