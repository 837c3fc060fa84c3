using System.Globalization;
using Pipeline.Cluster.Extension;
using Pipeline.Cluster.FailureDetection;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Singleton;
using Pipeline.Sharding.Allocation;
using Pipeline.Sharding.Api;

namespace Pipeline.Sharding.TestHost;

/// <summary>The settings every process of a multi-process sharding test uses (nodes and the client alike).</summary>
public static class ShardingTestSetup
{
    public const string NodeRole = "shard";
    public const int Shards = 100;

    public static double TimeFactor { get; } =
        double.TryParse(Environment.GetEnvironmentVariable("PIPELINE_TEST_TIME_FACTOR"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f >= 1 ? f : 1;

    public static HashCodeMessageExtractor Extractor { get; } = new(Shards, m => m is SeqMessage s ? s.EntityId : null);

    /// <summary>Failure detection fast enough for tests, generous enough for a loaded 2-core machine (a false Down fails a test).</summary>
    public static ClusterSettings Cluster(string secret, string postgres, params string[] roles) => new()
    {
        Secret = secret,
        StoreProvider = MembershipStoreProvider.Postgres,
        StoreConnectionString = postgres,
        Membership = new MembershipSettings
        {
            Roles = roles,
            RefreshInterval = TimeSpan.FromMilliseconds(250),
            IAmAliveInterval = TimeSpan.FromSeconds(2),
            DownRemovalGrace = TimeSpan.FromSeconds(1.5) * TimeFactor,
            JoinConnectTimeout = TimeSpan.FromSeconds(3) * TimeFactor,
        },
        FailureDetector = new FailureDetectorSettings
        {
            HeartbeatInterval = TimeSpan.FromMilliseconds(250),
            AcceptableHeartbeatPause = TimeSpan.FromSeconds(2.5) * TimeFactor,
            FirstHeartbeatEstimate = TimeSpan.FromMilliseconds(250),
            ExpectedResponseAfter = TimeSpan.FromSeconds(1),
        },
    };

    public static ClusterShardingSettings Sharding(TimeSpan rebalanceInterval) => new()
    {
        Role = NodeRole,
        RememberEntities = true,
        HandOffStopMessage = new StopEntity(),
        RebalanceInterval = rebalanceInterval,
        RetryInterval = TimeSpan.FromMilliseconds(300),
        HandOffTimeout = TimeSpan.FromSeconds(20) * TimeFactor,
        EntityStopTimeout = TimeSpan.FromSeconds(10) * TimeFactor,
        LoadReportInterval = TimeSpan.FromSeconds(1),
        EntityRestartBackoff = TimeSpan.FromMilliseconds(500),
        SnapshotAfter = 50,
        // stops the coordinator when the store is unreadable this long: before a take-over (2.5 s pause + 1.5 s grace)
        CoordinatorSingletonSettings = new ClusterSingletonSettings { MembershipStaleAfter = TimeSpan.FromSeconds(3) * TimeFactor, IdentifyInterval = TimeSpan.FromMilliseconds(100) },
    };

    /// <summary>Least-shards with a threshold of 3 and up to 6 moves at once: a new node gets 3 shards per round.</summary>
    public static IShardAllocationStrategy Strategy() => new LeastShardAllocationStrategy(rebalanceThreshold: 3, maxSimultaneousRebalance: 6);
}
