using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using Google.Protobuf;
using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Serialization;

/// <summary>
/// The actor system's serializers and the rules that pick one per message type (Akka's serialization
/// extension): remoting and persistence turn messages into (serializer id, manifest, bytes) with it, and the
/// kernel's serialize-every-message test mode sends each message through <see cref="RoundTrip"/>.
/// Choosing a serializer for a type: user bindings first, then the defaults; within each, the exact type, then
/// its base classes (nearest first), then its interfaces (the most specific; two unrelated bound interfaces with
/// different serializers are an error). Defaults: <see cref="IMessage"/> → protobuf (2), <c>byte[]</c> and
/// <c>ReadOnlyMemory&lt;byte&gt;</c> → bytes (1), string/int/long/double/bool/Guid → primitives (4), and
/// everything else → JSON (3), unless the user binds <see cref="object"/>. Thread-safe; choices are cached per type.
/// </summary>
public sealed class SerializationRegistry
{
    /// <summary>User serializer identifiers start here; lower ones are reserved for built-ins.</summary>
    public const int FirstUserIdentifier = 100;

    private readonly FrozenDictionary<int, Serializer> _byId;
    private readonly FrozenDictionary<Type, Serializer> _userBindings;
    private readonly FrozenDictionary<Type, Serializer> _defaultBindings;
    private readonly Serializer _fallback;
    private readonly ConcurrentDictionary<Type, Serializer> _cache = new();
    private readonly Func<Type, Serializer> _choose;

    /// <summary>
    /// Builds the registry. Throws <see cref="ArgumentException"/> for a user serializer with an id below
    /// <see cref="FirstUserIdentifier"/>, two serializers with one id, or a binding to an unknown id.
    /// </summary>
    public SerializationRegistry(SerializationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        Manifests = new TypeManifests(settings.ManifestAliases);

        var bytes = new ByteArraySerializer();
        var protobuf = new ProtobufSerializer(Manifests);
        var json = new JsonMessageSerializer(Manifests, settings.ActorRefResolver);
        var primitives = new PrimitiveSerializer();
        var byId = new Dictionary<int, Serializer> { [bytes.Identifier] = bytes, [protobuf.Identifier] = protobuf, [json.Identifier] = json, [primitives.Identifier] = primitives };

        foreach (var serializer in settings.Serializers)
        {
            if (serializer is null) throw new ArgumentException("SerializationSettings.Serializers contains null.", nameof(settings));
            var id = serializer.Identifier;
            if (id < FirstUserIdentifier)
                throw new ArgumentException(
                    $"Serializer {serializer.GetType().FullName} uses identifier {id}, but identifiers below {FirstUserIdentifier} are reserved for built-in serializers " +
                    $"({ByteArraySerializer.Id} bytes, {ProtobufSerializer.Id} protobuf, {JsonMessageSerializer.Id} JSON, {PrimitiveSerializer.Id} primitives); choose an identifier of {FirstUserIdentifier} or more.",
                    nameof(settings));
            if (!byId.TryAdd(id, serializer))
                throw new ArgumentException($"Serializers {byId[id].GetType().FullName} and {serializer.GetType().FullName} both use identifier {id}; identifiers must be unique.", nameof(settings));
        }
        _byId = byId.ToFrozenDictionary();

        var userBindings = new Dictionary<Type, Serializer>();
        foreach (var (type, id) in settings.Bindings)
        {
            if (type is null) throw new ArgumentException("SerializationSettings.Bindings contains a null type.", nameof(settings));
            if (!_byId.TryGetValue(id, out var serializer))
                throw new ArgumentException($"Type {type.FullName} is bound to serializer {id}, but no serializer has that identifier (known: {string.Join(", ", _byId.Keys.Order())}).", nameof(settings));
            userBindings[type] = serializer;
        }
        _fallback = userBindings.Remove(typeof(object), out var objectSerializer) ? objectSerializer : json;
        _userBindings = userBindings.ToFrozenDictionary();

        var defaults = new Dictionary<Type, Serializer>
        {
            [typeof(IMessage)] = protobuf,
            [typeof(byte[])] = bytes,
            [typeof(ReadOnlyMemory<byte>)] = bytes,
        };
        foreach (var type in PrimitiveSerializer.SupportedTypes) defaults[type] = primitives;
        _defaultBindings = defaults.ToFrozenDictionary();
        _choose = Choose;
    }

    /// <summary>The settings this registry was built from.</summary>
    public SerializationSettings Settings { get; }

    /// <summary>The manifest map (with the aliases) shared by the built-in serializers; user serializers may use it too.</summary>
    public TypeManifests Manifests { get; }

    /// <summary>The serializer for messages of <paramref name="type"/> (see the class summary for the rules).</summary>
    public Serializer FindSerializerFor(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _cache.GetOrAdd(type, _choose);
    }

    /// <summary>The serializer with <paramref name="id"/>; throws <see cref="SerializationException"/> naming the id when there is none.</summary>
    public Serializer GetSerializerById(int id) =>
        _byId.TryGetValue(id, out var serializer)
            ? serializer
            : throw new SerializationException(
                $"No serializer with identifier {id} is registered on this node (known: {string.Join(", ", _byId.Keys.Order())}); " +
                "register the same user serializers on every node (SerializationSettings.Serializers).");

    /// <summary>Serializes <paramref name="message"/> into an owned array (see <see cref="SerializedPayload"/>).</summary>
    public SerializedPayload Serialize(object message)
    {
        using var buffer = new PooledBufferWriter();
        var header = Serialize(message, buffer);
        return new SerializedPayload(header.SerializerId, header.Manifest, buffer.WrittenSpan.ToArray());
    }

    /// <summary>
    /// Serializes <paramref name="message"/> straight into <paramref name="output"/> (a wire frame or pooled
    /// buffer: no intermediate copy) and returns the id and manifest to store beside the bytes.
    /// </summary>
    public PayloadHeader Serialize(object message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        var serializer = FindSerializerFor(message.GetType());
        try
        {
            var manifest = serializer.IncludeManifest ? serializer.Manifest(message) : string.Empty;
            serializer.ToBinary(message, output);
            return new PayloadHeader(serializer.Identifier, manifest);
        }
        catch (Exception e) when (e is not SerializationException)
        {
            throw new SerializationException($"Serializer {serializer.Identifier} ({serializer.GetType().Name}) failed to serialize a {message.GetType().FullName}: {e.Message}", e);
        }
    }

    /// <summary>Rebuilds a message; throws <see cref="SerializationException"/> naming the id and manifest on any failure.</summary>
    public object Deserialize(int serializerId, string manifest, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var serializer = GetSerializerById(serializerId);
        try
        {
            return serializer.FromBinary(bytes, manifest);
        }
        catch (Exception e) when (e is not SerializationException)
        {
            throw DeserializationFailed(serializerId, manifest, e);
        }
    }

    /// <summary>Rebuilds a message from possibly fragmented bytes (as read from a socket).</summary>
    public object Deserialize(int serializerId, string manifest, in ReadOnlySequence<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var serializer = GetSerializerById(serializerId);
        try
        {
            return serializer.FromBinary(bytes, manifest);
        }
        catch (Exception e) when (e is not SerializationException)
        {
            throw DeserializationFailed(serializerId, manifest, e);
        }
    }

    /// <summary>Rebuilds the message held by <paramref name="payload"/>.</summary>
    public object Deserialize(SerializedPayload payload) => Deserialize(payload.SerializerId, payload.Manifest, payload.Bytes.Span);

    /// <summary>
    /// Serializes then deserializes <paramref name="message"/> and returns the copy, for the kernel's
    /// serialize-every-message test mode. Messages marked <see cref="INoSerializationVerificationNeeded"/> are
    /// returned as they are. Any failure becomes a <see cref="SerializationException"/> that names the message
    /// type and how to fix it.
    /// </summary>
    public object RoundTrip(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is INoSerializationVerificationNeeded) return message;
        Serializer? serializer = null;
        try
        {
            serializer = FindSerializerFor(message.GetType());
            using var buffer = new PooledBufferWriter();
            var manifest = serializer.IncludeManifest ? serializer.Manifest(message) : string.Empty;
            serializer.ToBinary(message, buffer);
            return serializer.FromBinary(buffer.WrittenSpan, manifest);
        }
        catch (Exception e)
        {
            var through = serializer is null ? "" : $" through serializer {serializer.Identifier} ({serializer.GetType().Name})";
            throw new SerializationException(
                $"Message of type {message.GetType().FullName} failed the serialization round trip{through}: {e.Message.TrimEnd('.')}. " +
                $"Fix: make it serializable (a record or POCO with public members for JSON, a protobuf message, or register a serializer and bind the type in SerializationSettings), " +
                $"or, if it never leaves this process, mark it {nameof(INoSerializationVerificationNeeded)}.", e);
        }
    }

    private static SerializationException DeserializationFailed(int serializerId, string manifest, Exception e) =>
        new($"Serializer {serializerId} failed to deserialize manifest '{manifest}': {e.Message}", e);

    private Serializer Choose(Type type) => Lookup(_userBindings, type) ?? Lookup(_defaultBindings, type) ?? _fallback;

    private static Serializer? Lookup(FrozenDictionary<Type, Serializer> bindings, Type type)
    {
        if (bindings.Count == 0) return null;
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            if (bindings.TryGetValue(t, out var serializer)) return serializer;
        }

        List<Type>? candidates = null;
        foreach (var candidate in type.GetInterfaces())
        {
            if (bindings.ContainsKey(candidate)) (candidates ??= []).Add(candidate);
        }
        if (candidates is null) return null;
        // Keep the most specific: drop an interface that another candidate extends.
        candidates.RemoveAll(general => candidates.Exists(specific => specific != general && general.IsAssignableFrom(specific)));
        var chosen = bindings[candidates[0]];
        foreach (var other in candidates)
        {
            if (bindings[other] != chosen)
                throw new SerializationException(
                    $"Type {type.FullName} matches bindings for unrelated interfaces {string.Join(" and ", candidates.Select(c => $"{c.FullName} (serializer {bindings[c].Identifier})"))}; " +
                    $"bind {type.FullName} itself to choose one.");
        }
        return chosen;
    }
}
