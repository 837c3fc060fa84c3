using System.Text.Json.Serialization;
using Pipeline.Runtime.Actors;
using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Refs;

/// <summary>
/// The concrete, serializable <see cref="ISourceRef{T}"/>: the origin stage's actor. It travels as that actor's
/// full path (local or remote), which the receiving node resolves to a (remote) reference.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class SourceRef<T> : ISourceRef<T>, IEquatable<SourceRef<T>>
{
    /// <summary>Wraps the origin stage's actor.</summary>
    [JsonConstructor]
    public SourceRef(IActorRef origin) => Origin = origin ?? throw new ArgumentNullException(nameof(origin));

    /// <summary>The actor of the origin stage (the producing side).</summary>
    public IActorRef Origin { get; }

    /// <inheritdoc />
    [JsonIgnore]
    public Source<T, NotUsed> Source => CreateSource(StreamRefSettings.Default);

    /// <summary>A source that attaches to the origin with <paramref name="settings"/> (buffer, timeouts).</summary>
    public Source<T, NotUsed> CreateSource(StreamRefSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Dsl.Source.FromGraph<T, Task<SinkRef<T>>>(new StreamRefConsumerStage<T>(Origin, settings.Validate()))
            .MapMaterializedValue(static _ => NotUsed.Instance);
    }

    /// <inheritdoc />
    public bool Equals(SourceRef<T>? other) => other is not null && Origin.Equals(other.Origin);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SourceRef<T>);

    /// <inheritdoc />
    public override int GetHashCode() => Origin.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => $"SourceRef({Origin.Path})";
}
