namespace Pipeline.Sharding.Queries;

/// <summary>Asks a region where an entity lives; the answer is <see cref="EntityLocation"/> (from the owning region).</summary>
public sealed record GetEntityLocation(string EntityId);
