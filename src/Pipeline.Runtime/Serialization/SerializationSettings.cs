namespace Pipeline.Runtime.Serialization;

/// <summary>
/// What a <see cref="SerializationRegistry"/> is built from: the user's serializers (identifiers 100 and up),
/// bindings from types to serializer ids (a binding covers subclasses and implementers too, the most specific
/// wins), manifest aliases for renamed types, and the resolver that turns actor refs in messages into paths and
/// back. Immutable: derive variations with <c>with</c> or the <c>With…</c> helpers.
/// </summary>
public sealed record SerializationSettings
{
    /// <summary>Settings with only the built-in serializers and default bindings.</summary>
    public static SerializationSettings Default { get; } = new();

    /// <summary>User serializers; each needs a unique <see cref="Serializer.Identifier"/> of 100 or more.</summary>
    public IReadOnlyList<Serializer> Serializers { get; init; } = [];

    /// <summary>Type → serializer id; the id may be a user serializer or a built-in one (1 bytes, 2 protobuf, 3 JSON, 4 primitives).</summary>
    public IReadOnlyDictionary<Type, int> Bindings { get; init; } = new Dictionary<Type, int>();

    /// <summary>Old manifest name → the type that now reads it (for renamed or moved types).</summary>
    public IReadOnlyDictionary<string, Type> ManifestAliases { get; init; } = new Dictionary<string, Type>(StringComparer.Ordinal);

    /// <summary>Resolves actor refs inside JSON messages; without one, such messages fail to serialize with a clear error.</summary>
    public IActorRefResolver? ActorRefResolver { get; init; }

    /// <summary>These settings plus a user serializer, bound to <paramref name="boundTypes"/>.</summary>
    public SerializationSettings WithSerializer(Serializer serializer, params Type[] boundTypes)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        var bindings = new Dictionary<Type, int>(Bindings);
        foreach (var type in boundTypes) bindings[type] = serializer.Identifier;
        return this with { Serializers = [.. Serializers, serializer], Bindings = bindings };
    }

    /// <summary>These settings plus a binding of <paramref name="type"/> to the serializer with <paramref name="serializerId"/>.</summary>
    public SerializationSettings WithBinding(Type type, int serializerId)
    {
        ArgumentNullException.ThrowIfNull(type);
        return this with { Bindings = new Dictionary<Type, int>(Bindings) { [type] = serializerId } };
    }

    /// <summary>These settings plus an alias: data written under <paramref name="manifest"/> is read as <paramref name="type"/>.</summary>
    public SerializationSettings WithManifestAlias(string manifest, Type type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(manifest);
        ArgumentNullException.ThrowIfNull(type);
        return this with { ManifestAliases = new Dictionary<string, Type>(ManifestAliases, StringComparer.Ordinal) { [manifest] = type } };
    }
}
