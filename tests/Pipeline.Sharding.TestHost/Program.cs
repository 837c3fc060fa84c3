// Multi-process sharding test node: persistence and membership in PostgreSQL, a shard region of sequenced
// entities (role "shard", coordinator singleton), entity activations appended to a file.
//
// usage: Pipeline.Sharding.TestHost <system> <secret> <postgres> <type name> <activation file> <rebalance interval ms>
// stdout: "up <node#uid>" once the region runs, "fenced <reason>" when declared Down, "terminated" at the end.
// stdin:  "leave" leaves the cluster gracefully (the region hands its shards off first).
using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Cluster.Extension;
using Pipeline.Persistence;
using Pipeline.Persistence.Actors;
using Pipeline.Persistence.Configuration;
using Pipeline.Runtime.Actors;
using Pipeline.Sharding.Api;
using Pipeline.Sharding.TestHost;

if (args.Length < 6)
{
    Console.Error.WriteLine("usage: Pipeline.Sharding.TestHost <system> <secret> <postgres> <type name> <activation file> <rebalance interval ms>");
    return 64;
}

var output = TextWriter.Synchronized(Console.Out);
using var loggers = LoggerFactory.Create(b => b
    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
    .SetMinimumLevel(LogLevel.Information)
    .AddFilter("Pipeline.Persistence", LogLevel.Warning));
var (systemName, secret, postgres, typeName) = (args[0], args[1], args[2], args[3]);
using var recorder = new ActivationRecorder(args[4]);
var rebalanceInterval = TimeSpan.FromMilliseconds(int.Parse(args[5], CultureInfo.InvariantCulture));

await using var store = PersistenceFactory.Create(new PersistenceSettings { Provider = PersistenceProvider.PostgreSql, ConnectionString = postgres }, loggers);
await store.StartAsync();
var system = ActorSystem.Create(systemName, new ActorSystemSettings { LoggerFactory = loggers });
PersistenceExtension.Install(system, store);
var cluster = await ClusterExtension.StartAsync(system, ShardingTestSetup.Cluster(secret, postgres, ShardingTestSetup.NodeRole));
var self = cluster.SelfAddress.ToString();
recorder.Node = self;
ClusterSharding.Get(system).Start(typeName, id => Props.Create(() => new SequencedEntity(typeName, id, recorder)),
    ShardingTestSetup.Extractor, ShardingTestSetup.Sharding(rebalanceInterval), ShardingTestSetup.Strategy());
output.WriteLine($"up {self}");
var fencedPrinter = Task.Run(async () =>
{
    var fenced = await cluster.Fenced;
    output.WriteLine($"fenced {fenced.Reason}");
});
_ = Task.Run(async () =>
{
    while (await Console.In.ReadLineAsync() is { } line)
        if (line == "leave") await cluster.LeaveAsync();
});

await system.WhenTerminated;
// a node that fenced itself terminates right after: the fenced line must be out before the process ends
if (cluster.Fenced.IsCompleted) await fencedPrinter;
output.WriteLine("terminated");
return 0;
