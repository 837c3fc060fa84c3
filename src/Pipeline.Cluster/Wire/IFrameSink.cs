using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Wire;

/// <summary>Receives the frames a <see cref="FrameReader"/> decodes, in order, on the reading task.</summary>
public interface IFrameSink
{
    /// <summary>A user message; its payload is only valid during the call.</summary>
    void OnEnvelope(in InboundEnvelope envelope);

    /// <summary>A system frame (heartbeat, death watch, disconnect …).</summary>
    void OnSystemFrame(SystemFrame frame);
}
