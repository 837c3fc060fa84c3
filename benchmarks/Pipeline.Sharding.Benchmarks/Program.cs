using System.Globalization;
using Pipeline.Sharding.Benchmarks;

// Usage:
//   Pipeline.Sharding.Benchmarks throughput [messages per run] [runs]
//   Pipeline.Sharding.Benchmarks handoff [moves] [messages per second]
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
    default:
        Console.Error.WriteLine($"Unknown mode '{mode}': use 'throughput' or 'handoff'.");
        return 2;
}
return 0;
