using System.Diagnostics;
using Pipeline.Runtime.Actors;
using Pipeline.Streams;
using Pipeline.Streams.Dsl;

// Throughput of the stream interpreter, as elements per second over a fixed count (best of 5 runs after a warm-up).
//   fused:  Source(range) -> 5 x Select -> Sink.Aggregate, all in one island; consecutive Selects are operator-fused
//           into one stage (composed functions)
//   stages: the same five Selects kept as five stages of one interpreter (one hop each)
//   async:  Source(range) -> Select -> Async() boundary (bounded buffer) -> Select -> Sink.Aggregate, two islands
//   rabbit: (with an amqp:// URI as second argument) publish N small JSON records to a fresh stream queue with
//           confirms in batches of 1,000, then consume them with offsets committed every 1,000 (FileOffsetStore)
//   http:   (first argument "http") the HTTP NDJSON ingest endpoint under wrk and hey, fast and backpressured
//   streamref: (first argument "streamref") N longs through a stream ref from a child process over TCP remoting
// Usage: dotnet run -c Release --project benchmarks/Pipeline.Streams.Benchmarks [elements] [amqp-uri]
//        dotnet benchmarks/Pipeline.Streams.Benchmarks/bin/Release/net10.0/Pipeline.Streams.Benchmarks.dll streamref [elements]
if (args.Length > 0 && args[0] == "streamref-producer")
{
    await StreamRefBenchmark.RunProducerAsync(args[1]);
    return;
}
if (args.Length > 0 && args[0] == "http")
{
    // http [seconds] [records per request] [connections]
    int Arg(int i, int d) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : d;
    await using var httpSystem = ActorSystem.Create("bench-http");
    await HttpIngestBenchmark.RunAsync(Arg(1, 10), Arg(2, 100), Arg(3, 32), httpSystem.Materializer());
    return;
}
if (args.Length > 0 && args[0] == "streamref")
{
    await StreamRefBenchmark.RunConsumerAsync(args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2_000_000,
        typeof(StreamRefBenchmark).Assembly.Location);
    return;
}
var count = args.Length > 0 ? long.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20_000_000;
await using var system = ActorSystem.Create("bench");
var materializer = system.Materializer();
if (args.Length > 1)
{
    await RabbitBenchmark.RunAsync(new Uri(args[1]), (int)count, materializer);
    return;
}

var fused = Source.Range(1, count).Select(x => x + 1).Select(x => x * 2).Select(x => x - 1).Select(x => x ^ 3).Select(x => x + 7)
    .ToMat(Sink.Aggregate<long, long>(0, static (a, x) => a + x), Keep.Right);
// the same five Selects kept as five interpreter stages (named, so that operator fusion does not merge them)
static Flow<long, long, NotUsed> Stage(Func<long, long> f, string name) => Flow.Create<long>().Select(f).Named(name);
var fiveStages = Source.Range(1, count).Via(Stage(x => x + 1, "s1")).Via(Stage(x => x * 2, "s2")).Via(Stage(x => x - 1, "s3"))
    .Via(Stage(x => x ^ 3, "s4")).Via(Stage(x => x + 7, "s5"))
    .ToMat(Sink.Aggregate<long, long>(0, static (a, x) => a + x), Keep.Right);
var asyncBoundary = Source.Range(1, count).Select(x => x + 1).Async().WithAttributes(Attributes.CreateInputBuffer(256))
    .Select(x => x * 2).ToMat(Sink.Aggregate<long, long>(0, static (a, x) => a + x).WithAttributes(Attributes.CreateInputBuffer(256)), Keep.Right);

await Measure("fused chain of 5 Select (operator-fused)", fused);
await Measure("5 Select as 5 fused interpreter stages", fiveStages);
await Measure("across one async boundary (buffer 256)", asyncBoundary);

async Task Measure(string name, RunnableGraph<Task<long>> graph)
{
    await graph.Run(materializer); // warm-up (JIT, tiering)
    var best = double.MaxValue;
    for (var i = 0; i < 5; i++)
    {
        var sw = Stopwatch.StartNew();
        await graph.Run(materializer);
        best = Math.Min(best, sw.Elapsed.TotalSeconds);
    }
    Console.WriteLine($"{name,-42} {count / best / 1e6,8:0.00} M elements/s  ({count:N0} elements, best of 5: {best * 1000:0} ms)");
}
