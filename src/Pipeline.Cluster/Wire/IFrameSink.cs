using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Wire;

/// <summary>Receives the frames a <see cref="FrameReader"/> decodes, in order, on the reading task.</summary>
public interface IFrameSink
{
    /// <summary>A user message; its payload is only valid during the call.</summary>
    void OnEnvelope(in InboundEnvelope envelope);

    /// <summary>The messages of an envelope run, in order; by default each one goes to <see cref="OnEnvelope"/>.</summary>
    void OnEnvelopeRun(ref InboundEnvelopeRun run)
    {
        while (run.TryNextEnvelope(out var envelope)) OnEnvelope(envelope);
    }

    /// <summary>A system frame (heartbeat, death watch, disconnect …).</summary>
    void OnSystemFrame(SystemFrame frame);

    /// <summary>
    /// Every frame of one read was dispatched (a point to run work the frames woke up). False when this reading
    /// task must stop because another one took over the connection's reading.
    /// </summary>
    bool OnReadCompleted() => true;
}
