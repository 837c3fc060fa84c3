namespace Pipeline.Cluster.Benchmarks;

/// <summary>Command line of the remoting benchmark.</summary>
internal sealed record BenchmarkOptions(string Mode, long Messages, int Payload, int Port, string Host, int Rounds, int Pairs, int Window, bool Ask)
{
    /// <summary>Every "--name value" pair given, for the options of one mode only (crash, node).</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    public static BenchmarkOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"Unexpected argument '{args[i]}'. Usage: --mode inproc|codec|latency|failover|crash|server|client|actors-server|actors-client [--messages N] [--payload BYTES] [--port P] [--host H] [--rounds R] [--pairs N] [--window W] [--ask true|false] [--warmup N (actors-client: whole warm-up cycles, default 2)]");
            values[args[i][2..]] = args[++i];
        }
        return new BenchmarkOptions(
            values.GetValueOrDefault("mode", "inproc"),
            long.Parse(values.GetValueOrDefault("messages", "5000000")),
            int.Parse(values.GetValueOrDefault("payload", "100")),
            int.Parse(values.GetValueOrDefault("port", "0")),
            values.GetValueOrDefault("host", "127.0.0.1"),
            int.Parse(values.GetValueOrDefault("rounds", "3")),
            int.Parse(values.GetValueOrDefault("pairs", "4")),
            int.Parse(values.GetValueOrDefault("window", "1000")),
            bool.Parse(values.GetValueOrDefault("ask", "true"))) { Values = values };
    }
}
