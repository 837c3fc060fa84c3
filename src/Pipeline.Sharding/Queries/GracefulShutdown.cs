namespace Pipeline.Sharding.Queries;

/// <summary>
/// Tells a region to leave gracefully: the coordinator hands all its shards off to other regions, then the region
/// stops (watch it to know when). A proxy simply stops.
/// </summary>
public sealed record GracefulShutdown;
