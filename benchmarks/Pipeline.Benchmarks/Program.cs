using Pipeline.Benchmarks.Ask;
using Pipeline.Benchmarks.KernelCost;
using Pipeline.Benchmarks.PingPong;
using Pipeline.Benchmarks.Spawn;
using Pipeline.Benchmarks.TellAlloc;

namespace Pipeline.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/Pipeline.Benchmarks -- &lt;name&gt; [options]</c>
/// with name one of pingpong, spawn, ask, tell-alloc, kernel-cost, inline-batch-cost, all.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: Pipeline.Benchmarks <pingpong|spawn|ask|tell-alloc|kernel-cost|inline-batch-cost|all> [options]
          pingpong   [--runs R] [--pairs 1,2,4,8,16] [--throughputs 1,10,30] [--round-trips 15000000]
          spawn      [--actors 1000000] [--runs R]
          ask        [--samples 100000] [--warmup 20000] [--runs R]
          tell-alloc (BenchmarkDotNet, MemoryDiagnoser)
          kernel-cost [--runs R] [--throughputs 1,10,30] [--round-trips 2000000] (single-threaded, ns per message)
          inline-batch-cost [--runs R] [--actors 4] [--burst 512] [--run-length 32] [--messages 20000000] (single-threaded, ns per message)
        """;

    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var options = BenchmarkOptions.Parse(args.AsSpan(1));
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        switch (args[0])
        {
            case "pingpong":
                await PingPongBenchmark.RunAsync(options).ConfigureAwait(false);
                return 0;
            case "spawn":
                await SpawnBenchmark.RunAsync(options).ConfigureAwait(false);
                return 0;
            case "ask":
                await AskLatencyBenchmark.RunAsync(options).ConfigureAwait(false);
                return 0;
            case "tell-alloc":
                TellAllocationBenchmark.Run();
                return 0;
            case "kernel-cost":
                await KernelCostBenchmark.RunAsync(options).ConfigureAwait(false);
                return 0;
            case "inline-batch-cost":
                await InlineBatchCostBenchmark.RunAsync(options).ConfigureAwait(false);
                return 0;
            case "all":
                await PingPongBenchmark.RunAsync(options).ConfigureAwait(false);
                await SpawnBenchmark.RunAsync(options).ConfigureAwait(false);
                await AskLatencyBenchmark.RunAsync(options).ConfigureAwait(false);
                TellAllocationBenchmark.Run();
                return 0;
            default:
                Console.Error.WriteLine($"Unknown benchmark '{args[0]}'.");
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
