using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Cluster.Extension;
using Pipeline.Runtime.Actors;
using Pipeline.TestKit;
using Xunit.Abstractions;

namespace Pipeline.Cluster.Tests.Remoting;

/// <summary>
/// Several actor systems of one cluster in this process, on loopback, sharing a SQLite membership file in a temp
/// directory. Every local message is serialized too (as the TestKit does), so serialization bugs show up.
/// </summary>
public sealed class ClusterSystems(ITestOutputHelper? output = null) : IAsyncLifetime
{
    private readonly ILoggerFactory _loggers = output is null
        ? NullLoggerFactory.Instance
        : LoggerFactory.Create(b => b.AddProvider(new XunitLoggerProvider(output)).SetMinimumLevel(LogLevel.Information));
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-remoting-").FullName;
    private readonly List<ActorSystem> _systems = [];

    public string Name { get; } = "rt" + Guid.NewGuid().ToString("N")[..10];

    public string StoreFile => Path.Combine(_directory, "membership.db");

    public ClusterSettings Settings => ClusterTestSettings.Fast(StoreFile);

    public async Task<(ActorSystem System, ClusterExtension Cluster)> StartAsync(Func<ClusterSettings, ClusterSettings>? tweak = null)
    {
        var system = ActorSystem.Create(Name, new ActorSystemSettings { LoggerFactory = _loggers, SerializeAllMessages = true, ShutdownPhaseTimeout = TimeSpan.FromSeconds(5) });
        _systems.Add(system);
        var settings = tweak is null ? Settings : tweak(Settings);
        var cluster = await ClusterExtension.StartAsync(system, settings);
        return (system, cluster);
    }

    /// <summary>The reference that <paramref name="from"/> resolves for an actor living on <paramref name="other"/>.</summary>
    public static IActorRef RemoteRef(ActorSystem from, IActorRef actorOnOtherNode, ActorSystem other) =>
        from.Resolve(actorOnOtherNode.Path.ToStringWithAddress(other.Address));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_systems.Select(s => s.Terminate().WaitAsync(TimeSpan.FromSeconds(30))));
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
