using System.Globalization;
using Pipeline.Cluster.Extension;
using Pipeline.Cluster.FailureDetection;
using Pipeline.Cluster.Membership;

namespace Pipeline.Cluster.Tests.Remoting;

/// <summary>Cluster settings that detect failures in about a second (tests wait generously on top).</summary>
public static class ClusterTestSettings
{
    public const string Secret = "remoting-test-secret";

    public static double Factor { get; } =
        double.TryParse(Environment.GetEnvironmentVariable("PIPELINE_TEST_TIME_FACTOR"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f >= 1 ? f : 1;

    public static TimeSpan Dilated(TimeSpan duration) => duration * Factor;

    public static ClusterSettings Fast(string sqliteFile) => new()
    {
        Secret = Secret,
        Host = "127.0.0.1",
        Port = 0,
        StoreProvider = MembershipStoreProvider.Sqlite,
        StoreConnectionString = sqliteFile,
        Membership = new MembershipSettings
        {
            RefreshInterval = TimeSpan.FromMilliseconds(100),
            IAmAliveInterval = TimeSpan.FromSeconds(1),
            DownRemovalGrace = TimeSpan.FromMilliseconds(300),
            JoinConnectTimeout = TimeSpan.FromSeconds(2),
        },
        FailureDetector = new FailureDetectorSettings
        {
            HeartbeatInterval = TimeSpan.FromMilliseconds(100),
            // generous for a loaded 2-core machine: a false Down would fail unrelated tests
            AcceptableHeartbeatPause = Dilated(TimeSpan.FromSeconds(1)),
            FirstHeartbeatEstimate = TimeSpan.FromMilliseconds(100),
            ExpectedResponseAfter = TimeSpan.FromMilliseconds(300),
        },
        ExitingTimeout = TimeSpan.FromSeconds(5),
    };
}
