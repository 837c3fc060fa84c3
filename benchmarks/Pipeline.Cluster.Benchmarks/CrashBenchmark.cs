using System.Diagnostics;
using System.Globalization;

namespace Pipeline.Cluster.Benchmarks;

/// <summary>
/// Crash failover across real processes (<c>--mode crash</c>): three node processes with default settings join
/// through PostgreSQL, one is SIGKILLed (the oldest, which hosts the singleton, or the youngest), and the benchmark
/// reads from the survivors' own timestamped output when each saw the victim Unreachable, Down and Removed, and
/// when the singleton started again. Repeated; reports median and max per measurement.
/// Options: --pg CONNSTRING (default $PIPELINE_TEST_PG), --repetitions N (5, per victim), --victim oldest|youngest|both,
/// --settle SECONDS (3: heartbeats before the kill), --refused-evidence on|off (on: the default setting).
/// </summary>
internal static class CrashBenchmark
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var values = options.Values;
        var pg = values.GetValueOrDefault("pg") ?? Environment.GetEnvironmentVariable("PIPELINE_TEST_PG");
        if (string.IsNullOrEmpty(pg))
        {
            Console.Error.WriteLine("crash: no PostgreSQL: pass --pg CONNSTRING or set PIPELINE_TEST_PG (source scripts/lib/postgres.sh && pg_start).");
            return 2;
        }
        var repetitions = int.Parse(values.GetValueOrDefault("repetitions", "5"), CultureInfo.InvariantCulture);
        var settle = TimeSpan.FromSeconds(double.Parse(values.GetValueOrDefault("settle", "3"), CultureInfo.InvariantCulture));
        var refused = values.GetValueOrDefault("refused-evidence", "on");
        var victims = values.GetValueOrDefault("victim", "both") switch
        {
            "both" => new[] { "oldest", "youngest" },
            var one => [one],
        };
        Console.WriteLine($"crash: 3 node processes, default settings (refused-connection evidence {refused}), {repetitions} repetitions per victim, load average {LoadAverage()}");
        var results = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        for (var i = 0; i < repetitions; i++)
        {
            foreach (var victim in victims)
            {
                var measured = await RunOnceAsync(pg, victim, settle, refused);
                Console.WriteLine($"  {victim,-8} #{i + 1}: " + string.Join(", ", measured.Select(m => $"{m.Key} {m.Value / 1000:N2} s")) + $" (load {LoadAverage()})");
                foreach (var (what, ms) in measured)
                {
                    var key = $"{victim}: {what}";
                    if (!results.TryGetValue(key, out var list)) results[key] = list = [];
                    list.Add(ms / 1000);
                }
            }
        }
        Console.WriteLine("RESULT crash (seconds from SIGKILL; median / max over the repetitions):");
        foreach (var (key, list) in results)
        {
            var sorted = list.Order().ToList();
            var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
            Console.WriteLine($"  {key,-50} median {median:N2}  max {sorted[^1]:N2}  (n={sorted.Count})");
        }
        return 0;
    }

    private static async Task<List<KeyValuePair<string, double>>> RunOnceAsync(string pg, string victimKind, TimeSpan settle, string refused)
    {
        var cluster = "crash" + Guid.NewGuid().ToString("N")[..10];
        var nodes = new List<NodeProcess>();
        try
        {
            // one after the other, so that node1 is the oldest (it hosts the singleton), node3 the youngest
            for (var n = 1; n <= 3; n++)
            {
                var node = NodeProcess.Start($"node{n}", "--mode", "node", "--cluster", cluster, "--pg", pg, "--refused-evidence", refused);
                nodes.Add(node);
                await node.WaitUpAsync(Deadline);
            }
            foreach (var observer in nodes)
                foreach (var member in nodes)
                    await observer.WaitForAsync($"event MemberUp {member.Node} ", Deadline);
            await nodes[0].WaitForAsync($"singleton-started {nodes[0].Node} ", Deadline);
            await Task.Delay(settle);

            var victim = victimKind == "oldest" ? nodes[0] : nodes[2];
            var survivors = nodes.Where(n => n != victim).ToList();
            var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            victim.Kill();

            var measured = new List<KeyValuePair<string, double>>();
            foreach (var what in new[] { "UnreachableMember", "MemberDowned", "MemberRemoved" })
            {
                var times = new List<long>();
                foreach (var survivor in survivors) times.Add(await survivor.WaitForTimeAsync($"event {what} {victim.Node} ", Deadline) - killedAt);
                measured.Add(new($"{what} (last survivor)", times.Max()));
                if (what == "MemberRemoved") measured.Add(new($"{what} (first survivor)", times.Min()));
            }
            if (victimKind == "oldest")
                measured.Add(new("singleton running again", await nodes[1].WaitForTimeAsync($"singleton-started {nodes[1].Node} ", Deadline) - killedAt));
            return measured;
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
