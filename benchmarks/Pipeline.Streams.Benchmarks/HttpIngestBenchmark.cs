using System.Diagnostics;
using System.Globalization;
using System.Text;
using Pipeline.Streams;
using Pipeline.Streams.Connectors.Http;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Quarantine;

/// <summary>
/// HTTP NDJSON ingest driven by wrk (Debian's package, a Lua script that POSTs an NDJSON body) and hey: starts the
/// ingest endpoint on 127.0.0.1 and reports requests/s and latency percentiles (from the tool), records/s (from the
/// endpoint's own counters), and the share of 429 answers. Two scenarios: a fast stream (Sink.Ignore) and a slow
/// one (throttled to a fixed rate) whose bounded buffer fills, so that the endpoint must answer 429.
/// </summary>
internal static class HttpIngestBenchmark
{
    public sealed record Reading(string Sensor, long Ts, double Value);

    public static async Task RunAsync(int seconds, int recordsPerRequest, int connections, Materializer materializer)
    {
        var directory = Directory.CreateTempSubdirectory("bench-http-").FullName;
        var body = new StringBuilder();
        for (var i = 0; i < recordsPerRequest; i++)
            body.Append(CultureInfo.InvariantCulture, $"{{\"sensor\":\"s-{i % 17}\",\"ts\":{1_700_000_000_000 + i},\"value\":{i * 0.25}}}\n");
        var bodyFile = Path.Combine(directory, "body.ndjson");
        await File.WriteAllTextAsync(bodyFile, body.ToString());
        var script = Path.Combine(directory, "post-ndjson.lua");
        await File.WriteAllTextAsync(script, $"""
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/x-ndjson"
            local f = assert(io.open("{bodyFile}", "rb"))
            wrk.body = f:read("*a")
            f:close()
            """);
        Console.WriteLine($"NDJSON body: {recordsPerRequest} records, {new FileInfo(bodyFile).Length:N0} bytes; {connections} connections, {seconds} s per run");

        await Scenario("fast stream (Sink.Ignore), buffer 8,192", new HttpIngestSettings { BufferSize = 8192 }, null);
        await Scenario("slow stream (throttled to 20,000 records/s), buffer 2,048", new HttpIngestSettings { BufferSize = 2048 }, 20_000);
        try { Directory.Delete(directory, true); } catch (IOException) { /* best effort */ }

        async Task Scenario(string name, HttpIngestSettings settings, int? recordsPerSecond)
        {
            foreach (var tool in new[] { "wrk", "hey" })
            {
                var source = HttpIngest.Source<Reading>(settings, new ChannelQuarantine());
                var (binding, done) = (recordsPerSecond is { } rate
                        ? source.Throttle(rate, TimeSpan.FromSeconds(1), rate / 10, Pipeline.Streams.Dsl.ThrottleMode.Shaping)
                        : source)
                    .ToMat(Sink.Ignore<Reading>(), Keep.Both).Run(materializer);
                var url = (await binding.Address).ToString();
                var before = binding.Counters;
                var sw = Stopwatch.StartNew();
                var output = tool == "wrk"
                    ? await RunTool("wrk", ["-t", "2", "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", seconds + "s", "--latency", "-s", script, url])
                    : await RunTool("hey", ["-z", seconds + "s", "-c", connections.ToString(CultureInfo.InvariantCulture), "-m", "POST", "-T", "application/x-ndjson", "-D", bodyFile, url]);
                var elapsed = sw.Elapsed.TotalSeconds;
                var c = binding.Counters;
                await binding.DisposeAsync();
                await done;
                var requests = c.Requests - before.Requests;
                var rejected = c.RejectedRequests - before.RejectedRequests;
                Console.WriteLine($"== {name}, {tool}");
                Console.WriteLine(Summarize(tool, output));
                Console.WriteLine($"   endpoint counters: {requests / elapsed:0} requests/s, {(c.AcceptedRecords - before.AcceptedRecords) / elapsed / 1e3:0.0} K records/s accepted, " +
                    $"{rejected:N0} of {requests:N0} requests answered 429 ({100.0 * rejected / Math.Max(1, requests):0.0} %), quarantined {c.QuarantinedRecords - before.QuarantinedRecords}");
            }
        }
    }

    private static string Summarize(string tool, string output)
    {
        var keep = tool == "wrk"
            ? output.Split('\n').Where(l => l.Contains("Latency") || l.TrimStart().StartsWith("50%", StringComparison.Ordinal) || l.TrimStart().StartsWith("75%", StringComparison.Ordinal)
                || l.TrimStart().StartsWith("90%", StringComparison.Ordinal) || l.TrimStart().StartsWith("99%", StringComparison.Ordinal) || l.Contains("Requests/sec") || l.Contains("Non-2xx") || l.Contains("requests in"))
            : output.Split('\n').Where(l => l.Contains("Requests/sec") || l.Contains("% in") || l.Contains("[202]") || l.Contains("[429]") || l.Contains("Average") || l.Contains("Slowest"));
        return string.Join('\n', keep.Select(l => "   " + l.Trim()));
    }

    private static async Task<string> RunTool(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}; install it with apt-get install -y {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return await stdout + await stderr;
    }
}
