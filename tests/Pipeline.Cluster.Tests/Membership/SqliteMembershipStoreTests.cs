using Pipeline.Cluster.Membership.Store;

namespace Pipeline.Cluster.Tests.Membership;

public sealed class SqliteMembershipStoreTests : MembershipStoreContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-membership-").FullName;

    protected override async Task<IMembershipStore> CreateStoreAsync(string cluster)
    {
        // every store of a test shares one file, as nodes on one machine do
        var store = new SqliteMembershipStore(Path.Combine(_directory, "membership.db"), cluster);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
