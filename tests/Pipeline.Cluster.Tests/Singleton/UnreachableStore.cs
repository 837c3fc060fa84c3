using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Store;

namespace Pipeline.Cluster.Tests.Singleton;

/// <summary>A membership store that a test can cut off: while <see cref="Unreachable"/> every call fails.</summary>
public sealed class UnreachableStore(IMembershipStore inner) : IMembershipStore
{
    public volatile bool Unreachable;

    private void Check()
    {
        if (Unreachable) throw new MembershipStoreException("membership store unreachable (test)");
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken)
    {
        Check();
        return inner.ReadAllAsync(cancellationToken);
    }

    public Task<bool> TryRegisterAsync(Member member, long expectedVersion, CancellationToken cancellationToken)
    {
        Check();
        return inner.TryRegisterAsync(member, expectedVersion, cancellationToken);
    }

    public Task<bool> TryUpdateStatusAsync(UniqueAddress node, MemberStatus status, DateTimeOffset at, long expectedVersion, CancellationToken cancellationToken)
    {
        Check();
        return inner.TryUpdateStatusAsync(node, status, at, expectedVersion, cancellationToken);
    }

    public Task<bool> TryAddSuspicionAsync(UniqueAddress node, SuspicionVote vote, long expectedVersion, CancellationToken cancellationToken)
    {
        Check();
        return inner.TryAddSuspicionAsync(node, vote, expectedVersion, cancellationToken);
    }

    public Task UpdateIAmAliveAsync(UniqueAddress node, DateTimeOffset at, CancellationToken cancellationToken)
    {
        Check();
        return inner.UpdateIAmAliveAsync(node, at, cancellationToken);
    }
}
