namespace Pipeline.Cluster.Membership;

/// <summary>Settings of the membership agent.</summary>
public sealed record MembershipSettings
{
    /// <summary>How often the table is re-read (events, votes and fencing happen at this pace).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often this node writes its i-am-alive timestamp.</summary>
    public TimeSpan IAmAliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Votes that declare a member Down (fewer when the cluster is small: a majority of live members suffices).</summary>
    public int VotesNeeded { get; init; } = 2;

    /// <summary>Votes older than this no longer count.</summary>
    public TimeSpan VoteExpiration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A Down member becomes Removed after this grace period (time for it to notice and stop).</summary>
    public TimeSpan DownRemovalGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether a refused dial to a member's exact address (a TCP reset: the host is up, nothing listens on the port)
    /// counts as evidence that its process is gone: this node votes at once, and a member downed on such votes alone
    /// is removed without <see cref="DownRemovalGrace"/>. Turn it off on networks where something between the nodes
    /// answers for an unreachable node with a reset (e.g. a firewall rule that rejects with tcp-reset), where a
    /// refusal would not prove a crash.
    /// </summary>
    public bool CountRefusedConnectionAsCrash { get; init; } = true;

    /// <summary>How long joining waits for each live member's connection before going Up anyway.</summary>
    public TimeSpan JoinConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>This node's roles.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>This node's application version.</summary>
    public string AppVersion { get; init; } = "";

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first unusable setting.</summary>
    public void Validate()
    {
        if (RefreshInterval <= TimeSpan.Zero) throw new ArgumentException("MembershipSettings.RefreshInterval must be positive.");
        if (IAmAliveInterval <= TimeSpan.Zero) throw new ArgumentException("MembershipSettings.IAmAliveInterval must be positive.");
        if (VotesNeeded < 1) throw new ArgumentException("MembershipSettings.VotesNeeded must be at least 1.");
        if (VoteExpiration <= TimeSpan.Zero) throw new ArgumentException("MembershipSettings.VoteExpiration must be positive.");
        if (DownRemovalGrace < TimeSpan.Zero) throw new ArgumentException("MembershipSettings.DownRemovalGrace must not be negative.");
        if (JoinConnectTimeout <= TimeSpan.Zero) throw new ArgumentException("MembershipSettings.JoinConnectTimeout must be positive.");
        foreach (var role in Roles)
            if (string.IsNullOrWhiteSpace(role) || role.Contains(',', StringComparison.Ordinal))
                throw new ArgumentException($"MembershipSettings.Roles: role '{role}' is empty or contains a comma.");
    }

    /// <summary>
    /// Votes needed to declare a member Down when <paramref name="liveMembers"/> members (the suspect included)
    /// are live: <see cref="VotesNeeded"/>, or a majority when fewer members exist (Orleans' rule).
    /// </summary>
    public int RequiredVotes(int liveMembers) => Math.Max(1, Math.Min(VotesNeeded, (liveMembers + 1) / 2));
}
