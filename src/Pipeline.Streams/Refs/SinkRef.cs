using System.Text.Json.Serialization;
using Pipeline.Runtime.Actors;
using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Refs;

/// <summary>
/// The concrete, serializable <see cref="ISinkRef{T}"/>: the origin stage's actor. It travels as that actor's
/// full path (local or remote), which the receiving node resolves to a (remote) reference.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class SinkRef<T> : ISinkRef<T>, IEquatable<SinkRef<T>>
{
    /// <summary>Wraps the origin stage's actor.</summary>
    [JsonConstructor]
    public SinkRef(IActorRef origin) => Origin = origin ?? throw new ArgumentNullException(nameof(origin));

    /// <summary>The actor of the origin stage (the receiving side).</summary>
    public IActorRef Origin { get; }

    /// <inheritdoc />
    [JsonIgnore]
    public Sink<T, NotUsed> Sink => CreateSink(StreamRefSettings.Default);

    /// <summary>A sink that attaches to the origin with <paramref name="settings"/> (batch size, timeouts).</summary>
    public Sink<T, NotUsed> CreateSink(StreamRefSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Dsl.Sink.FromGraph<T, Task<SourceRef<T>>>(new StreamRefProducerStage<T>(Origin, settings.Validate()))
            .MapMaterializedValue(static _ => NotUsed.Instance);
    }

    /// <inheritdoc />
    public bool Equals(SinkRef<T>? other) => other is not null && Origin.Equals(other.Origin);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SinkRef<T>);

    /// <inheritdoc />
    public override int GetHashCode() => Origin.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => $"SinkRef({Origin.Path})";
}
