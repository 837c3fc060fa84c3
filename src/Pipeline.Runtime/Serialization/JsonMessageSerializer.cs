using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Serialization;

/// <summary>
/// Built-in serializer id 3, the default for everything without a more specific binding: System.Text.Json for
/// records (constructor parameters included), POCOs, collections and primitives. The manifest is the compact
/// type name. Actor refs inside messages are written as their full path and resolved on read through the
/// registry's <see cref="IActorRefResolver"/>; <see cref="ActorPath"/> is written as its text (with the uid).
/// Members typed <c>object</c> keep their runtime type: strings, bools and ints are written as plain JSON, any
/// other value as <c>{"$type": manifest, "$value": ...}</c>. Get-only collection members of POCOs are filled
/// on read (System.Text.Json alone would leave them empty). (This is named JsonMessageSerializer rather than
/// JsonSerializer so that it never clashes with <see cref="System.Text.Json.JsonSerializer"/> in user code.)
/// </summary>
public sealed class JsonMessageSerializer : Serializer
{
    /// <summary>The fixed identifier of this serializer.</summary>
    public const int Id = 3;

    // The bytes go over the wire or into a journal, never into HTML: relaxed escaping keeps non-ASCII text compact.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TypeManifests _manifests;
    private readonly JsonSerializerOptions _options;

    /// <summary>
    /// Creates the serializer over the registry's manifest map; without a <paramref name="actorRefResolver"/>
    /// a message that contains an actor ref fails with a <see cref="SerializationException"/> saying so.
    /// </summary>
    public JsonMessageSerializer(TypeManifests manifests, IActorRefResolver? actorRefResolver = null)
    {
        _manifests = manifests ?? throw new ArgumentNullException(nameof(manifests));
        _options = new JsonSerializerOptions
        {
            IncludeFields = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { GetOnlyCollectionModifier.Apply } },
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Converters =
            {
                new ActorRefJsonConverterFactory(actorRefResolver),
                new ActorPathJsonConverter(),
                new PolymorphicObjectJsonConverter(manifests),
            },
        };
        _options.MakeReadOnly(populateMissingResolver: true);
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override bool IncludeManifest => true;

    /// <inheritdoc />
    public override string Manifest(object obj) => _manifests.ManifestFor(SerializedTypeOf(obj));

    /// <inheritdoc />
    public override void ToBinary(object obj, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        JsonSerializer.Serialize(writer, obj, SerializedTypeOf(obj), _options);
    }

    /// <inheritdoc />
    public override object FromBinary(ReadOnlySpan<byte> bytes, string manifest)
    {
        var type = _manifests.Resolve(manifest, Id);
        return JsonSerializer.Deserialize(bytes, type, _options) ?? throw NullPayload(manifest);
    }

    /// <inheritdoc />
    public override object FromBinary(in ReadOnlySequence<byte> bytes, string manifest)
    {
        var type = _manifests.Resolve(manifest, Id);
        var reader = new Utf8JsonReader(bytes);
        return JsonSerializer.Deserialize(ref reader, type, _options) ?? throw NullPayload(manifest);
    }

    private static Type SerializedTypeOf(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj is IActorRef ? typeof(IActorRef) : obj.GetType();
    }

    private static SerializationException NullPayload(string manifest) =>
        new($"Serializer {Id} (JSON): the payload for manifest '{manifest}' is JSON null; a message cannot be null.");
}
