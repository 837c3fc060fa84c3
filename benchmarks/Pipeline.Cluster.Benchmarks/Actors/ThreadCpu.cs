using System.Globalization;

namespace Pipeline.Cluster.Benchmarks.Actors;

/// <summary>
/// CPU time of this process's threads by name (Linux, from /proc/self/task), so that a round can show which threads
/// used the CPU: the connection threads that run the exchange, or thread-pool workers spinning beside them.
/// </summary>
internal static class ThreadCpu
{
    private const double TicksPerSecond = 100.0; // USER_HZ on Linux

    /// <summary>
    /// CPU ticks (user + system) used so far by each thread whose name starts with <paramref name="prefix"/>, by thread
    /// id; empty where /proc is missing.
    /// </summary>
    public static Dictionary<int, double> Snapshot(string prefix)
    {
        var ticks = new Dictionary<int, double>();
        if (!Directory.Exists("/proc/self/task")) return ticks;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal)) continue;
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                // fields after the name in parentheses: state is field 3, utime 14, stime 15
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] =
                    double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }
        return ticks;
    }

    /// <summary>
    /// Milliseconds of CPU that the threads named like <paramref name="prefix"/> used since <paramref name="before"/>
    /// (a <see cref="Snapshot"/> with the same prefix): threads started since count from zero; what a thread that
    /// ended meanwhile used is not known and not counted (so the figure never goes negative).
    /// </summary>
    public static double MillisecondsSince(Dictionary<int, double> before, string prefix)
    {
        double ticks = 0;
        foreach (var (thread, now) in Snapshot(prefix))
            ticks += Math.Max(0, now - before.GetValueOrDefault(thread));
        return ticks * 1000 / TicksPerSecond;
    }
}
