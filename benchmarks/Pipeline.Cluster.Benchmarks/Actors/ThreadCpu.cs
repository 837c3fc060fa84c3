using System.Globalization;

namespace Pipeline.Cluster.Benchmarks.Actors;

/// <summary>
/// CPU time of this process's threads by name (Linux, from /proc/self/task), so that a round can show which threads
/// used the CPU: the connection threads that run the exchange, or thread-pool workers spinning beside them.
/// </summary>
internal static class ThreadCpu
{
    private const double TicksPerSecond = 100.0; // USER_HZ on Linux

    /// <summary>Milliseconds of CPU (user + system) used so far by the threads whose name starts with <paramref name="prefix"/>; 0 where /proc is missing.</summary>
    public static double Milliseconds(string prefix)
    {
        if (!Directory.Exists("/proc/self/task")) return 0;
        double ticks = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal)) continue;
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                // fields after the name in parentheses: state is field 3, utime 14, stime 15
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }
        return ticks * 1000 / TicksPerSecond;
    }
}
