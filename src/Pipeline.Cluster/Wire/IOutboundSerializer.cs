using System.Buffers;
using Pipeline.Runtime.Serialization;

namespace Pipeline.Cluster.Wire;

/// <summary>
/// Serializes a queued message on the connection's writer, straight into the frame being encoded: no
/// intermediate array and no copy of the payload. Remoting implements it with the actor system's serializer
/// registry; an <see cref="OutboundMessage"/> created with a message object and a serializer uses it.
/// Implementations must be thread-safe (every connection's writer calls them) and must not block.
/// </summary>
public interface IOutboundSerializer
{
    /// <summary>
    /// Writes <paramref name="message"/> into <paramref name="output"/>; returns the serializer id and manifest. Throw to
    /// refuse it (whatever it throws is passed to <see cref="DescribeFailure"/>: the hot path has no handler of its own).
    /// </summary>
    PayloadHeader Serialize(object message, IBufferWriter<byte> output);

    /// <summary>The error to report for <paramref name="message"/> when <see cref="Serialize"/> threw <paramref name="error"/> (e.g. naming the serializer).</summary>
    Exception DescribeFailure(object message, Exception error);

    /// <summary>
    /// <paramref name="message"/> was not sent: serializing it failed, or its frame would exceed the maximum frame
    /// size (<paramref name="error"/> says which). The connection is unaffected. Called on the writer.
    /// </summary>
    void OnSendFailed(in OutboundMessage message, Exception error);
}
