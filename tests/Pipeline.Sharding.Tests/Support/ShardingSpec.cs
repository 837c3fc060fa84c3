using Pipeline.Persistence;
using Pipeline.Persistence.Actors;
using Pipeline.Persistence.Configuration;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Allocation;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Coordinator;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.Regions;
using Pipeline.TestKit;
using Xunit.Abstractions;

namespace Pipeline.Sharding.Tests.Support;

/// <summary>
/// Several regions of one type in one actor system, each standing for a node (/user/region-A, /user/region-B ...),
/// with a coordinator and persistence on a SQLite temp file, as Akka's single-system sharding specs do.
/// </summary>
public abstract class ShardingSpec(ITestOutputHelper? output = null) : ActorTestKit(output)
{
    protected const string TypeName = "counter";
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-sharding-").FullName;
    private PersistenceStore? _store;

    protected ActivationLog Log { get; } = new();

    protected IMessageExtractor Extractor { get; set; } = new HashCodeMessageExtractor(10, TestExtractor.EntityIdOf);

    public override async Task InitializeAsync()
    {
        _store = PersistenceFactory.Create(new PersistenceSettings
        {
            Provider = PersistenceProvider.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(_directory, "journal.db")}",
        });
        await _store.StartAsync();
        PersistenceExtension.Install(Sys, _store);
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (_store is not null) await _store.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // a pooled handle may still be closing
            }
        }
    }

    protected static ClusterShardingSettings FastSettings => new()
    {
        RetryInterval = TimeSpan.FromMilliseconds(200),
        RebalanceInterval = null,
        HandOffTimeout = TimeSpan.FromSeconds(5),
        EntityStopTimeout = TimeSpan.FromSeconds(2),
        LoadReportInterval = TimeSpan.FromMilliseconds(500),
        EntityRestartBackoff = TimeSpan.FromMilliseconds(200),
    };

    protected IActorRef StartCoordinator(ClusterShardingSettings settings, IShardAllocationStrategy? strategy = null, string name = "coordinator")
        => Sys.ActorOf(ShardCoordinator.Props(TypeName, settings, strategy), name);

    protected IActorRef StartRegion(string node, IActorRef coordinator, ClusterShardingSettings settings, Func<string, Props>? entityProps = null)
        => Sys.ActorOf(ShardRegion.Props(TypeName, entityProps ?? TestEntity.Factory(Log), Extractor, settings, coordinator), "region-" + node);

    protected async Task<IReadOnlyList<IActorRef>> AwaitRegionsAsync(IActorRef coordinator, int count)
    {
        IReadOnlyList<IActorRef> regions = [];
        await AwaitHelpers.AwaitAssertAsync(async () =>
        {
            regions = (await coordinator.Ask<CurrentRegions>(new GetCurrentRegions(), TimeSpan.FromSeconds(3))).Regions;
            Assert.Equal(count, regions.Count);
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        return regions;
    }

    protected static Task<ShardAllocations> AllocationsAsync(IActorRef coordinator)
        => coordinator.Ask<ShardAllocations>(new GetShardAllocations(), TimeSpan.FromSeconds(3));

    protected async Task<Identity> WhoAsync(IActorRef region, string entityId)
        => await region.Ask<Identity>(new WhoAreYou(entityId), TimeSpan.FromSeconds(5));

    protected async Task StopAndAwaitAsync(IActorRef actor)
    {
        var watcher = CreateTestProbe();
        watcher.Watch(actor);
        Sys.Stop(actor);
        await watcher.ExpectTerminatedAsync(actor, TimeSpan.FromSeconds(10));
    }

    /// <summary>An entity id whose shard is <paramref name="shardId"/>.</summary>
    protected string EntityInShard(string shardId, int nth = 0)
    {
        var found = 0;
        for (var i = 0; ; i++)
        {
            var id = "e" + i;
            if (Extractor.ShardId(id) == shardId && found++ == nth) return id;
        }
    }
}
