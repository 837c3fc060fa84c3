using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Transport;

/// <summary>
/// A handle on one peer's association (its bounded queue and current connection). Remote actor refs hold one,
/// so that each send goes straight to the queue without hashing the address.
/// </summary>
public sealed class RemotePeer
{
    private readonly ClusterTransport _transport;
    private readonly Association _association;

    internal RemotePeer(ClusterTransport transport, Association association)
    {
        _transport = transport;
        _association = association;
    }

    /// <summary>The peer's address.</summary>
    public NodeAddress Address => _association.Remote;

    /// <summary>The peer's outbound queue (depth, drops).</summary>
    public OutboundQueue Queue => _association.Queue;

    /// <summary>Same as <see cref="ClusterTransport.Send(NodeAddress, in OutboundMessage)"/> for this peer.</summary>
    public EnqueueResult Send(in OutboundMessage message) => _transport.Send(_association, message);

    /// <summary>
    /// Writes <paramref name="message"/> straight into the frame buffer of the peer's connection when the calling
    /// thread is that connection's reader running an actor's turn (see <see cref="Connection.TryWriteDirect"/>);
    /// false: nothing was written, send it as usual.
    /// </summary>
    internal bool TryWriteDirect(in OutboundMessage message) => _transport.TryWriteDirect(_association, message);

    /// <summary>Same as <see cref="ClusterTransport.SendSystem(NodeAddress, SystemFrame)"/> for this peer.</summary>
    public bool SendSystem(SystemFrame frame) => _transport.SendSystem(_association, frame);
}
