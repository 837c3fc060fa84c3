namespace Pipeline.Cluster.Wire;

/// <summary>The byte after a frame's length prefix: tells the reader which protobuf message the body holds.</summary>
public enum FrameKind : byte
{
    /// <summary>A user message, an <c>Envelope</c>.</summary>
    Envelope = 1,

    /// <summary>Handshake, heartbeat, death watch and disconnect frames, a <c>SystemFrame</c>.</summary>
    System = 2,
}
