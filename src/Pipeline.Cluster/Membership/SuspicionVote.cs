using Pipeline.Cluster.Addressing;

namespace Pipeline.Cluster.Membership;

/// <summary>One member's statement, written to the store, that it cannot reach another member.</summary>
/// <param name="Voter">Who suspects.</param>
/// <param name="At">When (votes older than the configured expiry no longer count).</param>
public sealed record SuspicionVote(UniqueAddress Voter, DateTimeOffset At);
