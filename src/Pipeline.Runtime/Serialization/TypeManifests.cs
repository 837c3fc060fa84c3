using System.Collections.Concurrent;
using System.Text;

namespace Pipeline.Runtime.Serialization;

/// <summary>
/// Maps types to compact manifest names (<c>Namespace.Type, AssemblyName</c>: no version, culture or key token,
/// so that a rebuilt assembly still reads old data) and back, with a cache in each direction. Aliases let a
/// renamed or moved type still read data written under its old name. One instance per registry; thread-safe.
/// </summary>
public sealed class TypeManifests
{
    private readonly IReadOnlyDictionary<string, Type> _aliases;
    private readonly ConcurrentDictionary<Type, string> _names = new();
    private readonly ConcurrentDictionary<string, Type> _types = new(StringComparer.Ordinal);
    private readonly Func<Type, string> _compute = ComputeName;

    /// <summary>Creates the map; <paramref name="aliases"/> maps old manifest names to the types that now read them.</summary>
    public TypeManifests(IReadOnlyDictionary<string, Type>? aliases = null)
    {
        var copy = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var (name, type) in aliases ?? new Dictionary<string, Type>())
        {
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A manifest alias must have a non-empty name.", nameof(aliases));
            copy[name] = type ?? throw new ArgumentException($"Manifest alias '{name}' maps to no type.", nameof(aliases));
        }
        _aliases = copy;
    }

    /// <summary>The compact manifest name of <paramref name="type"/> (cached).</summary>
    public string ManifestFor(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _names.GetOrAdd(type, _compute);
    }

    /// <summary>
    /// The type a manifest names: an alias first, then the compact (or a full assembly-qualified) name.
    /// Throws <see cref="SerializationException"/> naming <paramref name="serializerId"/> and the manifest when
    /// no loaded assembly defines it.
    /// </summary>
    public Type Resolve(string manifest, int serializerId)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (_types.TryGetValue(manifest, out var cached)) return cached;
        var type = Lookup(manifest) ?? throw new SerializationException(
            $"Serializer {serializerId} cannot deserialize manifest '{manifest}': no loaded type has that name. " +
            "If the type was renamed or moved, register an alias for the old name (SerializationSettings.ManifestAliases); " +
            "otherwise make sure the assembly that defines it is deployed on this node.");
        _types.TryAdd(manifest, type);
        return type;
    }

    private Type? Lookup(string manifest)
    {
        if (_aliases.TryGetValue(manifest, out var alias)) return alias;
        if (manifest.Length == 0) return null;
        try
        {
            return Type.GetType(manifest, throwOnError: false);
        }
        catch (Exception e) when (e is ArgumentException or IOException or BadImageFormatException or TypeLoadException)
        {
            return null;
        }
    }

    private static string ComputeName(Type type)
    {
        if (type.IsGenericTypeDefinition || type.ContainsGenericParameters)
            throw new SerializationException($"Type '{type}' is an open generic type; only closed types can be serialized.");
        var sb = new StringBuilder(64);
        AppendQualified(sb, type);
        return sb.ToString();
    }

    private static void AppendQualified(StringBuilder sb, Type type)
    {
        AppendName(sb, type);
        sb.Append(", ").Append(type.Assembly.GetName().Name);
    }

    private static void AppendName(StringBuilder sb, Type type)
    {
        if (type.IsArray)
        {
            AppendName(sb, type.GetElementType()!);
            sb.Append('[').Append(',', type.GetArrayRank() - 1).Append(']');
            return;
        }
        if (type.IsGenericType)
        {
            sb.Append(type.GetGenericTypeDefinition().FullName).Append('[');
            var arguments = type.GetGenericArguments();
            for (var i = 0; i < arguments.Length; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append('[');
                AppendQualified(sb, arguments[i]);
                sb.Append(']');
            }
            sb.Append(']');
            return;
        }
        sb.Append(type.FullName ?? throw new SerializationException($"Type '{type}' has no full name and cannot be named in a manifest."));
    }
}
