using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Routing;

/// <summary>
/// Removes a routee from a router. A pool's own child is also sent a <see cref="PoisonPill"/>, so it finishes
/// the messages it already has and stops. A pool router with no routee left stops. Local-only: it carries a
/// routee object.
/// </summary>
/// <param name="Routee">The routee to remove.</param>
public sealed record RemoveRoutee(Routee Routee) : IRouterManagementMessage, INoSerializationVerificationNeeded;
