using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;
using Pipeline.Runtime.Dispatch;

namespace Pipeline.Cluster.Transport;

/// <summary>
/// Where the transport delivers what arrives (the kernel routes it to actors). Calls come on a connection's
/// reading task, in the order the peer sent; they must not block.
/// </summary>
public interface ITransportHandler
{
    /// <summary>A user message from <paramref name="from"/>; the payload is valid only during the call.</summary>
    void OnEnvelope(UniqueAddress from, in InboundEnvelope envelope);

    /// <summary>
    /// A user message from <paramref name="from"/> delivered as part of one read's burst: a local actor it wakes may
    /// be claimed into <paramref name="turns"/>, which the reading task runs when the read is decoded.
    /// </summary>
    void OnEnvelope(UniqueAddress from, in InboundEnvelope envelope, InlineTurnBatch turns) => OnEnvelope(from, envelope);

    /// <summary>
    /// The messages of an envelope run from <paramref name="from"/> (one target, one sender, one serializer), in
    /// order, as part of one read's burst; by default each one goes to <see cref="OnEnvelope(UniqueAddress, in InboundEnvelope, InlineTurnBatch)"/>.
    /// A handler may resolve the target and the sender once for the whole run.
    /// </summary>
    void OnEnvelopeRun(UniqueAddress from, ref InboundEnvelopeRun run, InlineTurnBatch turns)
    {
        while (run.TryNextEnvelope(out var envelope)) OnEnvelope(from, envelope, turns);
    }

    /// <summary>A system frame (heartbeat response, watch, unwatch, terminated, disconnect) from <paramref name="from"/>.
    /// Heartbeats themselves are answered by the transport.</summary>
    void OnSystemFrame(UniqueAddress from, SystemFrame frame);

    /// <summary>A handshake with <paramref name="remote"/> completed and the association is usable.</summary>
    void OnAssociated(UniqueAddress remote);

    /// <summary>The association with <paramref name="remote"/> lost its connection (it redials on the next send).</summary>
    void OnDisassociated(UniqueAddress remote, string reason);
}
