namespace Pipeline.Cluster.Wire;

/// <summary>The byte after a frame's length prefix: tells the reader which protobuf message the body holds.</summary>
public enum FrameKind : byte
{
    /// <summary>A user message, an <c>Envelope</c>.</summary>
    Envelope = 1,

    /// <summary>Handshake, heartbeat, death watch and disconnect frames, a <c>SystemFrame</c>.</summary>
    System = 2,

    /// <summary>
    /// Several user messages to the same target from the same sender with the same serializer and manifest:
    /// a varint header length, an <c>Envelope</c> header without its payload field (target, sender, serializer,
    /// manifest), then one or more payloads, each a varint length and its bytes, up to the end of the frame.
    /// </summary>
    EnvelopeRun = 3,
}
