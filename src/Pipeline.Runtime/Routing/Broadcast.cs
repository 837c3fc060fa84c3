using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Routing;

/// <summary>
/// Sent to a router, delivers <see cref="Message"/> to every routee whatever the routing logic (for example
/// <c>new Broadcast(PoisonPill.Instance)</c> to stop the routees once they finish their work). Not checked by the
/// serialize-everything test mode itself, because the payload is checked when the router sends it on and may be
/// a local-only kernel message such as <see cref="PoisonPill"/>.
/// </summary>
/// <param name="Message">The message every routee receives.</param>
public sealed record Broadcast(object Message) : INoSerializationVerificationNeeded;
