using System.Text.Json.Serialization;
using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Refs;

/// <summary>
/// A serializable handle to a running stream's output, to put in a message for another node (Akka's SourceRef):
/// whoever receives it runs <see cref="Source"/> once and gets the elements, with credit-based backpressure across
/// the nodes. A member declared with this interface serializes as a <see cref="SourceRef{T}"/>.
/// </summary>
/// <typeparam name="T">The element type (it must serialize through the kernel's registry).</typeparam>
[JsonConverter(typeof(StreamRefJsonConverterFactory))]
public interface ISourceRef<T>
{
    /// <summary>A source that attaches to the origin when materialized (once; a second attach fails).</summary>
    Source<T, NotUsed> Source { get; }

    /// <summary>Like <see cref="Source"/>, with its own buffer (credit) and timeouts.</summary>
    Source<T, NotUsed> CreateSource(StreamRefSettings settings);
}
