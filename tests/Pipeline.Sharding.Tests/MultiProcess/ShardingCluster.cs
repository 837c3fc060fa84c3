using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Cluster.Extension;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.Queries;
using Pipeline.Sharding.TestHost;
using Pipeline.TestKit.Processes;
using Pipeline.TestKit;
using Xunit.Abstractions;

namespace Pipeline.Sharding.Tests.MultiProcess;

/// <summary>
/// Node processes of tests/Pipeline.Sharding.TestHost, joined through the throwaway PostgreSQL (PIPELINE_TEST_PG;
/// membership, journal and snapshots), plus this test process as a client node with a sharding proxy. Each
/// instance has its own cluster name and entity type name, hence its own rows.
/// </summary>
internal sealed class ShardingCluster : IAsyncDisposable
{
    private const string Secret = "sharding-multi-process-secret";
    private readonly List<NodeProcess> _hosts = [];
    private readonly ITestOutputHelper _output;
    private readonly TimeSpan _rebalanceInterval;
    private ILoggerFactory? _loggers;
    private PersistenceStore? _store;

    public ShardingCluster(ITestOutputHelper output, TimeSpan rebalanceInterval)
    {
        _output = output;
        _rebalanceInterval = rebalanceInterval;
        Postgres = Environment.GetEnvironmentVariable("PIPELINE_TEST_PG") is { Length: > 0 } pg
            ? pg
            : throw new InvalidOperationException(
                "PIPELINE_TEST_PG is not set: the multi-process sharding tests need PostgreSQL. Run `source scripts/lib/postgres.sh && pg_start` first (it exports PIPELINE_TEST_PG), then `pg_cleanup` afterwards.");
    }

    public string Postgres { get; }

    public string Name { get; } = "shmp" + Guid.NewGuid().ToString("N")[..10];

    public string TypeName { get; } = "seq" + Guid.NewGuid().ToString("N")[..8];

    public string ActivationsDirectory { get; } = Directory.CreateTempSubdirectory("pipeline-sharding-mp-").FullName;

    public ActorSystem System { get; private set; } = null!;

    /// <summary>The client's proxy region: routes to the entities and forwards queries and commands to the coordinator.</summary>
    public IActorRef Proxy { get; private set; } = null!;

    public PersistenceStore Store => _store!;

    public NodeProcess StartNode(string name)
    {
        var file = Path.Combine(ActivationsDirectory, name + ".activations");
        var host = NodeProcess.Start(name, NodeProcess.SiblingDll("Pipeline.Sharding.TestHost"), Name, Secret, Postgres, TypeName, file,
            ((int)_rebalanceInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        _hosts.Add(host);
        return host;
    }

    public async Task StartClientAsync()
    {
        _loggers = LoggerFactory.Create(b => b.AddProvider(new XunitLoggerProvider(_output, LogLevel.Warning)));
        System = ActorSystem.Create(Name, new ActorSystemSettings { LoggerFactory = _loggers, ShutdownPhaseTimeout = TimeSpan.FromSeconds(5) });
        await ClusterExtension.StartAsync(System, ShardingTestSetup.Cluster(Secret, Postgres));
        Proxy = ClusterSharding.Get(System).StartProxy(TypeName, ShardingTestSetup.Extractor, ShardingTestSetup.Sharding(_rebalanceInterval));
        _store = PersistenceFactory.Create(new PersistenceSettings { Provider = PersistenceProvider.PostgreSql, ConnectionString = Postgres });
        await _store.StartAsync();
    }

    public Task<T> AskAsync<T>(object message) => Proxy.Ask<T>(message, TestTimeouts.Dilated(TimeSpan.FromSeconds(10)));

    public async Task<ShardAllocations> AllocationsAsync() => await AskAsync<ShardAllocations>(new GetShardAllocations());

    /// <summary>Shards per node address (pipeline://system@host:port), from the coordinator's allocation.</summary>
    public static Dictionary<string, List<string>> ShardsByNode(ShardAllocations allocations)
        => allocations.Shards.GroupBy(kv => kv.Value.Path.Address.ToString())
            .ToDictionary(g => g.Key, g => g.Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

    /// <summary>Polls <paramref name="condition"/> until it holds; the deadline is stretched by PIPELINE_TEST_TIME_FACTOR.</summary>
    public static async Task AwaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<Task<string>>? describe = null)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Dilated(timeout);
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition()) return;
                last = null;
            }
            catch (AskTimeoutException e)
            {
                last = e; // the coordinator is moving: ask again
            }
            if (DateTime.UtcNow > deadline)
            {
                var state = describe is null ? "" : "\n" + await describe();
                throw new TimeoutException($"Timed out after {TestTimeouts.Dilated(timeout).TotalSeconds:0.#} s waiting for: {what}{state}", last);
            }
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        if (System is not null) await System.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        if (_store is not null) await _store.DisposeAsync();
        _loggers?.Dispose();
        Directory.Delete(ActivationsDirectory, recursive: true);
    }
}
