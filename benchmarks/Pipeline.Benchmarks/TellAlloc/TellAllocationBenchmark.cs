using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Pipeline.Runtime.Actors;

namespace Pipeline.Benchmarks.TellAlloc;

/// <summary>
/// Bytes allocated per Tell on the hot path with a preallocated message (MemoryDiagnoser): a batch of Tells
/// to an actor that drops them, then a spin until the actor has drained its mailbox, so the queue stays in
/// steady state (its ring reused, never growing). The diagnoser counts the allocations of every thread, the
/// consumer's included.
/// </summary>
[MemoryDiagnoser]
public class TellAllocationBenchmark
{
    private const int Batch = 1024;
    private ActorSystem _system = null!;
    private IActorRef _sink = null!;
    private IActorRef _sender = null!;
    private SinkCounter _counter = null!;
    private readonly object _message = new();
    private long _expected;

    /// <summary>Runs the benchmark in this process.</summary>
    public static void Run()
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.Default
                .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(15), logOutput: false))
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250)))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        BenchmarkRunner.Run<TellAllocationBenchmark>(config);
    }

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("tell-alloc");
        _counter = new SinkCounter();
        _sink = _system.ActorOf(Props.Create(() => new SinkActor(_counter)), "sink");
        _sender = _system.ActorOf(Props.Create(() => new SinkActor(new SinkCounter())), "sender");
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().GetAwaiter().GetResult();

    /// <summary>Tell without a sender.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void Tell()
    {
        for (var i = 0; i < Batch; i++) _sink.Tell(_message);
        _expected += Batch;
        _counter.SpinUntil(_expected);
    }

    /// <summary>Tell with a sender (as from inside an actor).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void TellWithSender()
    {
        for (var i = 0; i < Batch; i++) _sink.Tell(_message, _sender);
        _expected += Batch;
        _counter.SpinUntil(_expected);
    }
}
