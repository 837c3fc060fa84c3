using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.FailureDetection;

/// <summary>How the heartbeat monitor reaches peers (the transport's system-frame queue in production, a fake in tests).</summary>
public interface IHeartbeatSender
{
    /// <summary>Queues a heartbeat for <paramref name="to"/>; false when it could not be queued.</summary>
    bool SendHeartbeat(UniqueAddress to, Heartbeat heartbeat);
}
