using System.Buffers;
using System.Collections.Concurrent;
using System.Reflection;
using Google.Protobuf;

namespace Pipeline.Runtime.Serialization;

/// <summary>
/// Built-in serializer id 2: any Google.Protobuf <see cref="IMessage"/>, written in its native binary form. The
/// manifest is the compact CLR type name; the generated static <c>Parser</c> property is found by reflection
/// once per type and cached.
/// </summary>
public sealed class ProtobufSerializer : Serializer
{
    /// <summary>The fixed identifier of this serializer.</summary>
    public const int Id = 2;

    private readonly TypeManifests _manifests;
    private readonly ConcurrentDictionary<Type, MessageParser> _parsers = new();
    private readonly Func<Type, MessageParser> _findParser = FindParser;

    /// <summary>Creates the serializer over the registry's manifest map (which carries the aliases).</summary>
    public ProtobufSerializer(TypeManifests manifests) => _manifests = manifests ?? throw new ArgumentNullException(nameof(manifests));

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override bool IncludeManifest => true;

    /// <inheritdoc />
    public override string Manifest(object obj) => _manifests.ManifestFor(AsMessage(obj).GetType());

    /// <inheritdoc />
    public override void ToBinary(object obj, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        AsMessage(obj).WriteTo(output);
    }

    /// <inheritdoc />
    public override object FromBinary(ReadOnlySpan<byte> bytes, string manifest) => ParserFor(manifest).ParseFrom(bytes);

    /// <inheritdoc />
    public override object FromBinary(in ReadOnlySequence<byte> bytes, string manifest) => ParserFor(manifest).ParseFrom(bytes);

    private MessageParser ParserFor(string manifest)
    {
        var type = _manifests.Resolve(manifest, Id);
        if (!typeof(IMessage).IsAssignableFrom(type))
            throw new SerializationException($"Serializer {Id} (protobuf) got manifest '{manifest}', which names {type.FullName}, not a Google.Protobuf IMessage.");
        return _parsers.GetOrAdd(type, _findParser);
    }

    private static MessageParser FindParser(Type type) =>
        type.GetProperty("Parser", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as MessageParser
        ?? throw new SerializationException($"Serializer {Id} (protobuf): {type.FullName} has no public static Parser property; is it a protoc-generated message?");

    private static IMessage AsMessage(object obj) => obj as IMessage
        ?? throw new SerializationException($"Serializer {Id} (protobuf) only handles Google.Protobuf IMessage types, not {obj?.GetType().FullName ?? "null"}.");
}
