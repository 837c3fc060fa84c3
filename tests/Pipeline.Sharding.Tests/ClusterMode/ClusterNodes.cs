using Microsoft.Extensions.Logging;
using Pipeline.Cluster.Extension;
using Pipeline.Persistence;
using Pipeline.Persistence.Actors;
using Pipeline.Persistence.Configuration;
using Pipeline.Runtime.Actors;
using Pipeline.TestKit;
using Xunit.Abstractions;
using Pipeline.Cluster.TestKit;

namespace Pipeline.Sharding.Tests.ClusterMode;

/// <summary>
/// Actor systems of one cluster in this process on loopback (membership and persistence in SQLite files of a temp
/// directory), every local message serialized too: sharding's cluster mode without starting processes.
/// </summary>
public sealed class ClusterNodes(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ILoggerFactory _loggers = LoggerFactory.Create(b => b.AddProvider(new XunitLoggerProvider(output)).SetMinimumLevel(LogLevel.Information));
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-sharding-cluster-").FullName;
    private readonly List<ActorSystem> _systems = [];
    private PersistenceStore? _store;

    public string Name { get; } = "shc" + Guid.NewGuid().ToString("N")[..10];

    public async Task<(ActorSystem System, ClusterExtension Cluster)> StartAsync()
    {
        var system = ActorSystem.Create(Name, new ActorSystemSettings { LoggerFactory = _loggers, SerializeAllMessages = true, ShutdownPhaseTimeout = TimeSpan.FromSeconds(5) });
        _systems.Add(system);
        PersistenceExtension.Install(system, _store!);
        var cluster = await ClusterExtension.StartAsync(system,
            LoopbackClusterSettings.Sqlite(Path.Combine(_directory, "membership.db"), "sharding-cluster-mode", acceptableHeartbeatPause: TimeSpan.FromSeconds(2)));
        return (system, cluster);
    }

    public async Task InitializeAsync()
    {
        // one store for every node, as one PostgreSQL database would be
        _store = PersistenceFactory.Create(new PersistenceSettings { Provider = PersistenceProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_directory, "journal.db")}" });
        await _store.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_systems.Select(s => s.Terminate().WaitAsync(TimeSpan.FromSeconds(30))));
        if (_store is not null) await _store.DisposeAsync();
        _loggers.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a SQLite handle may linger a moment; the temp dir is cleaned by the OS
        }
    }
}
