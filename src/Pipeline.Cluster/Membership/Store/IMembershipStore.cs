using Pipeline.Cluster.Addressing;

namespace Pipeline.Cluster.Membership.Store;

/// <summary>
/// The cluster's source of truth (Orleans style): a versioned table with one row per node incarnation. Every
/// write names the table version it was decided on and fails (returns false) if the table changed meanwhile,
/// so concurrent decisions never overwrite each other; the caller re-reads and decides again.
/// </summary>
public interface IMembershipStore
{
    /// <summary>Creates the schema and this cluster's version row if missing (safe to call from many nodes at once).</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Reads the version and all rows consistently.</summary>
    Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Inserts a new incarnation's row if the table is still at <paramref name="expectedVersion"/>.</summary>
    Task<bool> TryRegisterAsync(Member member, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Changes a member's status if the table is still at <paramref name="expectedVersion"/>. Becoming
    /// <see cref="MemberStatus.Up"/> also sets the member's up-number to the new table version.
    /// </summary>
    Task<bool> TryUpdateStatusAsync(UniqueAddress node, MemberStatus status, DateTimeOffset at, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Adds (or refreshes) <paramref name="vote"/>'s voter's suspicion of <paramref name="node"/> if the table is still at <paramref name="expectedVersion"/>.</summary>
    Task<bool> TryAddSuspicionAsync(UniqueAddress node, SuspicionVote vote, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="node"/> is alive at <paramref name="at"/> (no version change: not a membership change).</summary>
    Task UpdateIAmAliveAsync(UniqueAddress node, DateTimeOffset at, CancellationToken cancellationToken);
}
