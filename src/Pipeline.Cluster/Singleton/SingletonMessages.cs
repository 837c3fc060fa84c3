using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.Singleton;

/// <summary>A leaving node asks its manager to stop the singleton; answered with <see cref="HandOverDone"/>.</summary>
internal sealed record HandOverRequest : INoSerializationVerificationNeeded;

/// <summary>The singleton stopped (or was not running): the node may go on leaving.</summary>
internal sealed record HandOverDone : INoSerializationVerificationNeeded;

/// <summary>The proxy's timer: ask the oldest node for the singleton again.</summary>
internal sealed record IdentifySingletonTick : INoSerializationVerificationNeeded;

/// <summary>The manager's timer: check that the membership view is fresh enough to keep the singleton.</summary>
internal sealed record CheckMembershipFreshness : INoSerializationVerificationNeeded;
