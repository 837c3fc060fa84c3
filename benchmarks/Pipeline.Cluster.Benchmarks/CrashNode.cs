using Microsoft.Extensions.Logging;
using Pipeline.Cluster.Extension;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Cluster.Singleton;
using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.Benchmarks;

/// <summary>
/// One node process of the crash benchmark (<c>--mode node</c>): joins through PostgreSQL with the default cluster
/// settings (Akka's detector defaults), runs a cluster singleton, and prints on stdout, with unix-ms timestamps
/// taken where they happen: "up node", "event Type node ms" (as the membership agent publishes them),
/// "singleton-started node ms" (in the singleton's PreStart).
/// </summary>
internal static class CrashNode
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var values = options.Values;
        var output = TextWriter.Synchronized(Console.Out);
        using var loggers = LoggerFactory.Create(b => b
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning));
        var system = ActorSystem.Create(values["cluster"], new ActorSystemSettings { LoggerFactory = loggers });
        var cluster = await ClusterExtension.StartAsync(system, new ClusterSettings
        {
            Secret = "crash-benchmark",
            StoreProvider = MembershipStoreProvider.Postgres,
            StoreConnectionString = values["pg"],
            Membership = new MembershipSettings { CountRefusedConnectionAsCrash = values.GetValueOrDefault("refused-evidence", "on") != "off" },
        });
        var self = cluster.SelfAddress.ToString();
        using var subscription = cluster.Node.Membership.Subscribe(e =>
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (e is CurrentClusterState state)
            {
                foreach (var member in state.Members.Where(m => m.Status == MemberStatus.Up)) output.WriteLine($"event MemberUp {member.Node} {now}");
            }
            else if (e is UnreachableMember or MemberDowned or MemberRemoved or MemberUp)
            {
                output.WriteLine($"event {e.GetType().Name} {((MemberEvent)e).Member.Node} {now}");
            }
        });
        system.ActorOf(ClusterSingletonManager.Props(Props.Create(() => new TimedSingleton(self, output))), "singleton-manager");
        output.WriteLine($"up {self}");
        await system.WhenTerminated;
        return 0;
    }

    /// <summary>The benchmark's singleton: prints when it starts.</summary>
    private sealed class TimedSingleton(string node, TextWriter output) : ActorBase
    {
        protected override void PreStart() => output.WriteLine($"singleton-started {node} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");

        protected override bool Receive(object message) => false;
    }
}
