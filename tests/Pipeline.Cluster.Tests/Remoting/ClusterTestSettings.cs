using System.Globalization;
using Pipeline.Cluster.Extension;
using Pipeline.Cluster.TestKit;

namespace Pipeline.Cluster.Tests.Remoting;

/// <summary>Cluster settings that detect failures in about a second (tests wait generously on top).</summary>
public static class ClusterTestSettings
{
    public const string Secret = "remoting-test-secret";

    public static double Factor { get; } =
        double.TryParse(Environment.GetEnvironmentVariable("PIPELINE_TEST_TIME_FACTOR"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f >= 1 ? f : 1;

    public static TimeSpan Dilated(TimeSpan duration) => duration * Factor;

    public static ClusterSettings Fast(string sqliteFile) => LoopbackClusterSettings.Sqlite(sqliteFile, Secret);
}
