using Pipeline.Cluster.Addressing;

namespace Pipeline.Cluster.FailureDetection;

/// <summary>Receives the heartbeat monitor's verdicts (the membership agent turns them into votes and events).</summary>
public interface IReachabilityObserver
{
    /// <summary>The node's phi crossed the threshold.</summary>
    void OnUnreachable(UniqueAddress node);

    /// <summary>A node reported unreachable answers heartbeats again.</summary>
    void OnReachable(UniqueAddress node);
}
