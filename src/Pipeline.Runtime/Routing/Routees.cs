using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Routing;

/// <summary>A router's answer to <see cref="GetRoutees"/>: a snapshot of its routees, in routing order.</summary>
/// <param name="Members">The routees.</param>
public sealed record Routees(IReadOnlyList<Routee> Members) : INoSerializationVerificationNeeded;
