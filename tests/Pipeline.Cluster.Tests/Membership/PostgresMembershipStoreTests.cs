using Pipeline.Cluster.Membership.Store;
using Pipeline.Cluster.Tests.Support;

namespace Pipeline.Cluster.Tests.Membership;

public sealed class PostgresMembershipStoreTests : MembershipStoreContract, IAsyncDisposable
{
    private readonly List<PostgresMembershipStore> _stores = [];

    protected override async Task<IMembershipStore> CreateStoreAsync(string cluster)
    {
        var store = new PostgresMembershipStore(PostgresTestDatabase.ConnectionString, cluster);
        _stores.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores) await store.DisposeAsync();
    }
}
