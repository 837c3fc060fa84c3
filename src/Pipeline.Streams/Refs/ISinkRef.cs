using System.Text.Json.Serialization;
using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Refs;

/// <summary>
/// A serializable handle to a running stream's input, to put in a message for another node (Akka's SinkRef):
/// whoever receives it runs a stream into <see cref="Sink"/> once, and the origin's stream gets the elements at
/// the origin's pace. A member declared with this interface serializes as a <see cref="SinkRef{T}"/>.
/// </summary>
/// <typeparam name="T">The element type (it must serialize through the kernel's registry).</typeparam>
[JsonConverter(typeof(StreamRefJsonConverterFactory))]
public interface ISinkRef<T>
{
    /// <summary>A sink that attaches to the origin when materialized (once; a second attach fails).</summary>
    Sink<T, NotUsed> Sink { get; }

    /// <summary>Like <see cref="Sink"/>, with its own batch size and timeouts.</summary>
    Sink<T, NotUsed> CreateSink(StreamRefSettings settings);
}
