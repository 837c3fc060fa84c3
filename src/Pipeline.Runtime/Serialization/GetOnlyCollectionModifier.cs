using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Pipeline.Runtime.Serialization;

/// <summary>
/// System.Text.Json skips get-only properties on read, so a POCO's <c>public List&lt;T&gt; Items { get; } = new();</c>
/// would silently come back empty. This contract modifier makes such members populate the existing collection
/// instead. It only touches get-only members whose type is a mutable generic collection, on types built by a
/// parameterless constructor (System.Text.Json cannot populate anything else); settable members keep replace
/// semantics, so pre-filled defaults are not appended to.
/// </summary>
internal static class GetOnlyCollectionModifier
{
    public static void Apply(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in typeInfo.Properties)
        {
            if (property.AssociatedParameter is not null) return; // built by a parameterized constructor
        }
        foreach (var property in typeInfo.Properties)
        {
            if (property is { Set: null, Get: not null, CustomConverter: null } && IsMutableCollection(property.PropertyType))
                property.ObjectCreationHandling = JsonObjectCreationHandling.Populate;
        }
    }

    private static bool IsMutableCollection(Type type)
    {
        if (type.IsArray || type.IsValueType) return false;
        if (type.IsInterface)
        {
            if (!type.IsGenericType) return false;
            var definition = type.GetGenericTypeDefinition();
            return definition == typeof(IList<>) || definition == typeof(ICollection<>) || definition == typeof(ISet<>) || definition == typeof(IDictionary<,>);
        }
        // A public parameterless constructor rules out read-only and immutable collections (ReadOnlyCollection,
        // ImmutableList, frozen collections), which implement ICollection<T> too but cannot be populated.
        if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null) return false;
        foreach (var implemented in type.GetInterfaces())
        {
            if (!implemented.IsGenericType) continue;
            var definition = implemented.GetGenericTypeDefinition();
            if (definition == typeof(ICollection<>) || definition == typeof(IDictionary<,>)) return true;
        }
        return false;
    }
}
