using System.Globalization;
using Pipeline.Sharding.Benchmarks;

// Usage:
//   Pipeline.Sharding.Benchmarks throughput [messages per run] [runs]
//   Pipeline.Sharding.Benchmarks handoff [moves] [messages per second]
//   Pipeline.Sharding.Benchmarks cluster-throughput [messages per run] [runs]   (3 node processes + this driver)
//   Pipeline.Sharding.Benchmarks cluster-handoff [moves] [messages per second]  (2 node processes + this driver)
//   Pipeline.Sharding.Benchmarks node <directory> <count|reply>                 (started by the cluster benchmarks)
var mode = args.Length > 0 ? args[0] : "throughput";
long Arg(int i, long fallback) => args.Length > i ? long.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
switch (mode)
{
    case "throughput":
        await ThroughputBenchmark.RunAsync(Arg(1, 5_000_000), (int)Arg(2, 5));
        break;
    case "handoff":
        await HandOffPauseBenchmark.RunAsync((int)Arg(1, 20), (int)Arg(2, 50_000));
        break;
    case "cluster-throughput":
        await ClusterThroughputBenchmark.RunAsync(Arg(1, 2_000_000), (int)Arg(2, 5));
        break;
    case "cluster-handoff":
        await ClusterHandOffPauseBenchmark.RunAsync((int)Arg(1, 20), (int)Arg(2, 20_000));
        break;
    case "node":
        return await ClusterBenchNode.RunNodeAsync(args[1], args[2] == "reply");
    default:
        Console.Error.WriteLine($"Unknown mode '{mode}': use 'throughput', 'handoff', 'cluster-throughput' or 'cluster-handoff'.");
        return 2;
}
return 0;
