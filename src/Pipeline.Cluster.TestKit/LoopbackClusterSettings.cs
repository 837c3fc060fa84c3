using Pipeline.Cluster.Extension;
using Pipeline.Cluster.FailureDetection;
using Pipeline.Cluster.Membership;
using Pipeline.TestKit;

namespace Pipeline.Cluster.TestKit;

/// <summary>
/// Cluster settings for tests that run several nodes on 127.0.0.1 sharing a SQLite membership file: heartbeats every
/// 100 ms, membership read every 100 ms, a short removal grace, so that a test sees joins, failures and removals in
/// about a second instead of the production defaults' several seconds. The acceptable heartbeat pause is dilated by
/// <see cref="TestTimeouts.Factor"/>: a false Down on a loaded CI machine would fail unrelated tests. Exists so that
/// every test suite that needs a small real cluster (cluster, sharding, stream refs) starts it the same way.
/// </summary>
public static class LoopbackClusterSettings
{
    /// <summary>Membership that reads the store every 100 ms and removes a Down node after 300 ms.</summary>
    public static MembershipSettings FastMembership => new()
    {
        RefreshInterval = TimeSpan.FromMilliseconds(100),
        IAmAliveInterval = TimeSpan.FromSeconds(1),
        DownRemovalGrace = TimeSpan.FromMilliseconds(300),
        JoinConnectTimeout = TimeSpan.FromSeconds(2),
    };

    /// <summary>Heartbeats every 100 ms; a node is unreachable after <paramref name="acceptablePause"/> (dilated) of silence.</summary>
    public static FailureDetectorSettings FastFailureDetector(TimeSpan acceptablePause) => new()
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        AcceptableHeartbeatPause = TestTimeouts.Dilated(acceptablePause),
        FirstHeartbeatEstimate = TimeSpan.FromMilliseconds(100),
        ExpectedResponseAfter = TimeSpan.FromMilliseconds(300),
    };

    /// <summary>
    /// A node on 127.0.0.1 (any free port) whose membership store is the SQLite file <paramref name="membershipFile"/>
    /// (every node of the test cluster uses the same file), with the fast membership and failure detection above.
    /// </summary>
    public static ClusterSettings Sqlite(string membershipFile, string secret, TimeSpan? acceptableHeartbeatPause = null) => new()
    {
        Secret = secret,
        Host = "127.0.0.1",
        Port = 0,
        StoreProvider = MembershipStoreProvider.Sqlite,
        StoreConnectionString = membershipFile,
        Membership = FastMembership,
        FailureDetector = FastFailureDetector(acceptableHeartbeatPause ?? TimeSpan.FromSeconds(1)),
        ExitingTimeout = TimeSpan.FromSeconds(5),
    };
}
