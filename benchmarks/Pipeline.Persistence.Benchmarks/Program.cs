// Persistence benchmarks: PersistAsync-style writes from many concurrent writers vs a raw batched write of the
// same rows, replay throughput, and EventsByTag over a large journal. See docs/benchmarks.md.
//
// usage: dotnet run -c Release --project benchmarks/Pipeline.Persistence.Benchmarks -- [sqlite|pg|all] [options]
//   --events N        events for the write comparison (default 200000)
//   --writers N       concurrent writers (default 100)
//   --inflight N      writes each writer keeps in flight (default 8)
//   --journal N       events in the replay / tag-query journal (default 1000000)
//   --raw-batch N     rows per transaction of the raw reference writes (default 4000, the journal's MaxBatchSize)
//   --no-breaker      write through the journal without its circuit breaker
//   --pg CONN         PostgreSQL connection string (default: $PIPELINE_TEST_PG)
using System.Diagnostics;
using Pipeline.Persistence.Benchmarks;

var options = BenchmarkOptions.Parse(args);
Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
Console.WriteLine($"options: events={options.Events} writers={options.Writers} inflight={options.InFlight} journal={options.JournalEvents}");
var started = Stopwatch.StartNew();
foreach (var target in options.Targets)
{
    await using var bench = await BenchmarkTarget.CreateAsync(target, options);
    await bench.RunAsync();
}
Console.WriteLine($"total time {started.Elapsed.TotalSeconds:F1} s");
