using Pipeline.Cluster.Addressing;

namespace Pipeline.Cluster.Membership;

/// <summary>One member's statement, written to the store, that it cannot reach another member.</summary>
/// <param name="Voter">Who suspects.</param>
/// <param name="At">When (votes older than the configured expiry no longer count).</param>
/// <param name="ProcessGone">
/// True when the voter has strong evidence that the suspect's process is gone (a dial to its exact address was
/// refused: nothing listens there), not just missed heartbeats. A member downed by enough such votes is removed
/// without waiting for the Down-removal grace (see docs/cluster.md, "timing model").
/// </param>
public sealed record SuspicionVote(UniqueAddress Voter, DateTimeOffset At, bool ProcessGone = false);
