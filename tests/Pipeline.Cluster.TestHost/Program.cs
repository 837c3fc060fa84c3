// Multi-process cluster test host: joins a cluster through the membership store alone, prints what the tests
// read on stdout, and obeys commands on stdin.
//
// usage: Pipeline.Cluster.TestHost <system> <secret> <sqlite|postgres> <store connection string> [port] [activations dir]
// With an activations dir, a cluster singleton (/user/singleton-manager/singleton) records its activations there.
// stdout: "up <node#uid>" once Up, "event <Type> <node#uid>" for each member event (current state first, as
//         events), "answer <text> <node>" / "ask-failed <error>" for asks, "fenced <reason>" when declared Down,
//         "singleton-started/stopped <node#uid>", "singleton-answer <text> <node>".
// stdin:  "ask <pipeline://system@host:port> <text>" asks that node's /user/echo; "singleton <text>" asks the
//         singleton through this node's proxy; "leave" leaves and exits; "blackhole" drops all its traffic
//         (partition test hook). Warnings and errors are logged to stderr.
using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Cluster.Extension;
using Pipeline.Cluster.FailureDetection;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Cluster.Singleton;
using Pipeline.Cluster.TestHost;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: Pipeline.Cluster.TestHost <system> <secret> <sqlite|postgres> <store connection string> [port]");
    return 64;
}

var output = TextWriter.Synchronized(Console.Out);
using var loggers = LoggerFactory.Create(b => b
    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
    .SetMinimumLevel(LogLevel.Warning));
var system = ActorSystem.Create(args[0], new ActorSystemSettings { LoggerFactory = loggers });
// Detection fast enough for tests, generous enough for a loaded 2-core machine (a false Down fails a test);
// PIPELINE_TEST_TIME_FACTOR (inherited from the test run) stretches it further.
var factor = double.TryParse(Environment.GetEnvironmentVariable("PIPELINE_TEST_TIME_FACTOR"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f >= 1 ? f : 1;
var settings = new ClusterSettings
{
    Secret = args[1],
    StoreProvider = args[2].Equals("postgres", StringComparison.OrdinalIgnoreCase) ? MembershipStoreProvider.Postgres : MembershipStoreProvider.Sqlite,
    StoreConnectionString = args[3],
    Port = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0,
    Membership = new MembershipSettings
    {
        RefreshInterval = TimeSpan.FromMilliseconds(250),
        IAmAliveInterval = TimeSpan.FromSeconds(2),
        DownRemovalGrace = TimeSpan.FromSeconds(1.5) * factor,
        JoinConnectTimeout = TimeSpan.FromSeconds(3) * factor,
    },
    FailureDetector = new FailureDetectorSettings
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(250),
        AcceptableHeartbeatPause = TimeSpan.FromSeconds(2) * factor,
        FirstHeartbeatEstimate = TimeSpan.FromMilliseconds(250),
        ExpectedResponseAfter = TimeSpan.FromSeconds(1),
    },
};
var cluster = await ClusterExtension.StartAsync(system, settings);
var self = cluster.SelfAddress.ToString();
system.ActorOf(Props.Create(() => new EchoActor(self)), "echo");
var printer = system.ActorOf(Props.Create(() => new EventPrinter(output)), "events");
IActorRef? proxy = null;
if (args.Length > 5)
{
    var directory = args[5];
    // a node that cannot read the store for 3 s stops its singleton: before a take-over (2 s pause + 1.5 s grace)
    var singletonSettings = new ClusterSingletonSettings { MembershipStaleAfter = TimeSpan.FromSeconds(3) * factor };
    system.ActorOf(ClusterSingletonManager.Props(Props.Create(() => new RecordingSingleton(self, directory, output)), singletonSettings), "singleton-manager");
    proxy = system.ActorOf(ClusterSingletonProxy.Props("/user/singleton-manager", singletonSettings), "singleton-proxy");
}
output.WriteLine($"up {self}");
cluster.Subscribe(printer, InitialStateMode.AsEvents, typeof(MemberEvent));
var fencedPrinter = Task.Run(async () =>
{
    var fenced = await cluster.Fenced;
    output.WriteLine($"fenced {fenced.Reason}");
});

_ = Task.Run(async () =>
{
    while (await Console.In.ReadLineAsync() is { } line)
    {
        var parts = line.Split(' ', 3);
        switch (parts[0])
        {
            case "ask" when parts.Length == 3:
                try
                {
                    var pong = await system.Resolve(parts[1] + "/user/echo").Ask<HostPong>(new HostPing(parts[2]), TimeSpan.FromSeconds(10));
                    output.WriteLine($"answer {pong.Text} {pong.Node}");
                }
                catch (Exception e)
                {
                    output.WriteLine($"ask-failed {e.GetType().Name}: {e.Message}");
                }
                break;
            case "singleton" when parts.Length >= 2 && proxy is not null:
                try
                {
                    var pong = await proxy.Ask<HostPong>(new HostPing(parts[1]), TimeSpan.FromSeconds(20));
                    output.WriteLine($"singleton-answer {pong.Text} {pong.Node}");
                }
                catch (Exception e)
                {
                    output.WriteLine($"ask-failed {e.GetType().Name}: {e.Message}");
                }
                break;
            case "blackhole":
                cluster.Node.Transport.SetBlackhole(true);
                output.WriteLine("blackholed");
                break;
            case "leave":
                await cluster.LeaveAsync();
                break;
        }
    }
});

await system.WhenTerminated;
// a node that fenced itself terminates right after: the fenced line must be out before the process ends
if (cluster.Fenced.IsCompleted) await fencedPrinter;
output.WriteLine("terminated");
return 0;
