using System.Globalization;

namespace Pipeline.Persistence.Benchmarks;

/// <summary>Command-line options of the persistence benchmark.</summary>
internal sealed class BenchmarkOptions
{
    public List<string> Targets { get; } = new();

    public int Events { get; private set; } = 200_000;

    public int Writers { get; private set; } = 100;

    public int InFlight { get; private set; } = 8;

    public int JournalEvents { get; private set; } = 1_000_000;

    public bool NoBreaker { get; private set; }

    /// <summary>Rows per transaction of the raw variants (default: the journal's MaxBatchSize).</summary>
    public int? RawBatch { get; private set; }

    public string? PostgresConnectionString { get; private set; } = Environment.GetEnvironmentVariable("PIPELINE_TEST_PG");

    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "sqlite": options.Targets.Add("sqlite"); break;
                case "pg": options.Targets.Add("pg"); break;
                case "all": options.Targets.AddRange(["sqlite", "pg"]); break;
                case "--events": options.Events = Int(args[++i]); break;
                case "--writers": options.Writers = Int(args[++i]); break;
                case "--inflight": options.InFlight = Int(args[++i]); break;
                case "--journal": options.JournalEvents = Int(args[++i]); break;
                case "--no-breaker": options.NoBreaker = true; break;
                case "--raw-batch": options.RawBatch = Int(args[++i]); break;
                case "--pg": options.PostgresConnectionString = args[++i]; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Use sqlite|pg|all, --events, --writers, --inflight, --journal, --raw-batch, --no-breaker, --pg.");
            }
        }
        if (options.Targets.Count == 0)
            options.Targets.AddRange(["sqlite", "pg"]);
        return options;
    }

    private static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
