using System.Diagnostics;
using System.Globalization;
using Pipeline.Benchmarks.Reporting;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Dispatch;

namespace Pipeline.Benchmarks.KernelCost;

/// <summary>
/// The kernel's CPU cost per message on a remoting reader's path, single-threaded: bursts of messages told
/// through an <see cref="InlineTurnBatch"/> to a few idle actors (claim, queue), in runs of consecutive messages
/// to one actor as envelope runs deliver them, then the batch runs their turns on the calling thread (dequeue,
/// invoke). In nanoseconds per message. A development aid for the inline-turn path, far less sensitive to other
/// load on the machine than the two-process benchmark.
/// </summary>
internal static class InlineBatchCostBenchmark
{
    /// <summary>Counts what it receives; nothing else (the cost measured is the kernel's).</summary>
    private sealed class Counter : ActorBase
    {
        public long Count;

        protected override bool Receive(object message)
        {
            Count++;
            return true;
        }
    }

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var runs = options.Int("runs", 7);
        var messages = options.Long("messages", 20_000_000);
        var actors = options.Int("actors", 4);
        var runLength = options.Int("run-length", 32);
        var burst = options.Int("burst", 512);
        Console.WriteLine($"== inline-batch-cost: {actors} actors, bursts of {burst} messages in runs of {runLength}, {messages:N0} messages, {runs} runs (ns per message, lower is better)");
        // warm-up long enough for tiered compilation to finish, however few messages are measured
        await MeasureAsync(actors, runLength, burst, Math.Max(messages / 10, 4_000_000)).ConfigureAwait(false);
        var ns = new List<double>();
        for (var r = 0; r < runs; r++) ns.Add(await MeasureAsync(actors, runLength, burst, messages).ConfigureAwait(false));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"inline batch: min {ns.Min():F1} ns, median {Stats.Median(ns):F1} ns per message"));
    }

    private static async Task<double> MeasureAsync(int actorCount, int runLength, int burst, long messages)
    {
        var system = ActorSystem.Create("inline-batch-cost");
        try
        {
            var refs = new IActorRef[actorCount];
            for (var i = 0; i < actorCount; i++) refs[i] = system.ActorOf(Props.Create(static () => new Counter()));
            // let every actor finish its start so that each is idle and can be claimed
            foreach (var actor in refs)
            {
                if (!SpinWait.SpinUntil(() => ((ActorCell)actor).Mailbox.IsIdle, TimeSpan.FromSeconds(10)))
                    throw new TimeoutException($"{actor.Path} did not become idle within 10 s; the measurement would not claim it.");
            }
            var batch = new InlineTurnBatch(TimeSpan.FromSeconds(1));
            var message = new object();
            var sent = 0L;
            var stopwatch = Stopwatch.StartNew();
            while (sent < messages)
            {
                for (var i = 0; i < burst; i++) batch.Tell(refs[i / runLength % actorCount], message, null);
                if (!batch.Run()) throw new InvalidOperationException("The batch was abandoned.");
                sent += burst;
            }
            stopwatch.Stop();
            return stopwatch.Elapsed.TotalNanoseconds / sent;
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }
}
