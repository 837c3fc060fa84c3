using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Routing;

/// <summary>
/// Adds a routee to a router (appended at the end). An <see cref="ActorRefRoutee"/> is watched, and removed again
/// when it stops. Local-only: it carries a routee object.
/// </summary>
/// <param name="Routee">The routee to add.</param>
public sealed record AddRoutee(Routee Routee) : IRouterManagementMessage, INoSerializationVerificationNeeded;
