using Pipeline.Cluster.Addressing;

namespace Pipeline.Cluster.Transport;

/// <summary>
/// Optional second interface of an <see cref="ITransportHandler"/>: told when dialling a peer's exact address was
/// actively refused (a TCP reset: the host answered, but no process listens on that port). That is what a crashed
/// node's address looks like, so the cluster layer takes it as strong evidence that the incarnation there is gone,
/// far sooner than missing heartbeats can tell (a partition, by contrast, makes dials time out).
/// </summary>
public interface IConnectionRefusedObserver
{
    /// <summary>A dial to <paramref name="address"/> was refused; called on the dialling task, must not block.</summary>
    void OnConnectionRefused(NodeAddress address);
}
