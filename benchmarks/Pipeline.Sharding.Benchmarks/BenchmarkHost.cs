using Pipeline.Persistence;
using Pipeline.Persistence.Actors;
using Pipeline.Persistence.Configuration;
using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Benchmarks;

/// <summary>An actor system with persistence on a temporary SQLite file, removed afterwards.</summary>
public sealed class BenchmarkHost : IAsyncDisposable
{
    private readonly string _dir;
    private readonly PersistenceStore _store;

    private BenchmarkHost(string dir, PersistenceStore store, ActorSystem system)
    {
        _dir = dir;
        _store = store;
        System = system;
    }

    public ActorSystem System { get; }

    public static async Task<BenchmarkHost> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("sharding-bench-").FullName;
        var store = PersistenceFactory.Create(new PersistenceSettings { Provider = PersistenceProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(dir, "j.db")}" });
        await store.StartAsync();
        var system = ActorSystem.Create("bench");
        PersistenceExtension.Install(system, store);
        return new BenchmarkHost(dir, store, system);
    }

    public async ValueTask DisposeAsync()
    {
        await System.Terminate();
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
