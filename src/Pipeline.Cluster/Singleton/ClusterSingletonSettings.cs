namespace Pipeline.Cluster.Singleton;

/// <summary>Settings shared by <see cref="ClusterSingletonManager"/> and <see cref="ClusterSingletonProxy"/> (the same on every node).</summary>
public sealed record ClusterSingletonSettings
{
    /// <summary>Only members with this role host the singleton (null: any member).</summary>
    public string? Role { get; init; }

    /// <summary>Name of the singleton actor under its manager.</summary>
    public string SingletonName { get; init; } = "singleton";

    /// <summary>How long a leaving node waits for its singleton to stop before going on.</summary>
    public TimeSpan HandOverTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Messages a proxy holds while no singleton is known; beyond it the oldest are dead-lettered.</summary>
    public int BufferSize { get; init; } = 1000;

    /// <summary>How often a proxy asks the oldest node for its singleton until it answers.</summary>
    public TimeSpan IdentifyInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// A node that has not read the membership store for this long stops its singleton (and starts none): it
    /// could have been declared Down without knowing. Keep it below the failure detector's acceptable pause plus
    /// the Down-removal grace, the earliest another node can take over.
    /// </summary>
    public TimeSpan MembershipStaleAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first unusable setting.</summary>
    public void Validate()
    {
        if (Role is not null && string.IsNullOrWhiteSpace(Role)) throw new ArgumentException("ClusterSingletonSettings.Role is blank: use null for any member, or a role name.");
        if (!Pipeline.Runtime.Actors.ActorPath.IsValidName(SingletonName)) throw new ArgumentException($"ClusterSingletonSettings.SingletonName '{SingletonName}' is not a valid actor name.");
        if (HandOverTimeout <= TimeSpan.Zero) throw new ArgumentException("ClusterSingletonSettings.HandOverTimeout must be positive.");
        if (BufferSize < 0) throw new ArgumentException("ClusterSingletonSettings.BufferSize must be 0 or more.");
        if (IdentifyInterval <= TimeSpan.Zero) throw new ArgumentException("ClusterSingletonSettings.IdentifyInterval must be positive.");
        if (MembershipStaleAfter <= TimeSpan.Zero) throw new ArgumentException("ClusterSingletonSettings.MembershipStaleAfter must be positive.");
    }
}
