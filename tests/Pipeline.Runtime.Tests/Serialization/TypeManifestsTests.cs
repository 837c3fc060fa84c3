using Pipeline.Runtime.Serialization;

namespace Pipeline.Runtime.Tests.Serialization;

public sealed class TypeManifestsTests
{
    private readonly TypeManifests _manifests = new();

    [Theory]
    [InlineData(typeof(OrderPlaced), "Pipeline.Runtime.Tests.Serialization.OrderPlaced, Pipeline.Runtime.Tests")]
    [InlineData(typeof(int), "System.Int32, System.Private.CoreLib")]
    [InlineData(typeof(int[]), "System.Int32[], System.Private.CoreLib")]
    [InlineData(typeof(int[,]), "System.Int32[,], System.Private.CoreLib")]
    [InlineData(typeof(List<Item>), "System.Collections.Generic.List`1[[Pipeline.Runtime.Tests.Serialization.Item, Pipeline.Runtime.Tests]], System.Private.CoreLib")]
    [InlineData(typeof(Dictionary<string, int[]>), "System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib],[System.Int32[], System.Private.CoreLib]], System.Private.CoreLib")]
    public void Manifest_is_compact_and_resolves_back(Type type, string expected)
    {
        var manifest = _manifests.ManifestFor(type);

        Assert.Equal(expected, manifest);
        Assert.DoesNotContain("Version=", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain("PublicKeyToken", manifest, StringComparison.Ordinal);
        Assert.Equal(type, _manifests.Resolve(manifest, JsonMessageSerializer.Id));
    }

    [Fact]
    public void Nested_types_resolve_back()
    {
        var manifest = _manifests.ManifestFor(typeof(Outer.Inner));

        Assert.Equal("Pipeline.Runtime.Tests.Serialization.TypeManifestsTests+Outer+Inner, Pipeline.Runtime.Tests", manifest);
        Assert.Equal(typeof(Outer.Inner), _manifests.Resolve(manifest, 3));
    }

    [Fact]
    public void Unknown_manifest_names_the_serializer_and_the_manifest()
    {
        var error = Assert.Throws<SerializationException>(() => _manifests.Resolve("Acme.Gone, Acme.Missing", 42));

        Assert.Contains("Serializer 42", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Acme.Gone, Acme.Missing'", error.Message, StringComparison.Ordinal);
        Assert.Contains("alias", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a [type name")]
    public void Malformed_manifest_is_unknown(string manifest) =>
        Assert.Throws<SerializationException>(() => _manifests.Resolve(manifest, 3));

    [Fact]
    public void Alias_maps_an_old_name_to_the_new_type_and_wins_over_a_real_type()
    {
        var manifests = new TypeManifests(new Dictionary<string, Type>
        {
            ["Acme.Orders.OrderPlacedV1, Acme.Legacy"] = typeof(OrderPlaced),
            ["System.Int32, System.Private.CoreLib"] = typeof(long),
        });

        Assert.Equal(typeof(OrderPlaced), manifests.Resolve("Acme.Orders.OrderPlacedV1, Acme.Legacy", 3));
        Assert.Equal(typeof(long), manifests.Resolve("System.Int32, System.Private.CoreLib", 3));
    }

    [Fact]
    public void Alias_without_a_type_is_rejected() =>
        Assert.Throws<ArgumentException>(() => new TypeManifests(new Dictionary<string, Type> { ["Old"] = null! }));

    [Fact]
    public void Open_generic_types_have_no_manifest() =>
        Assert.Throws<SerializationException>(() => _manifests.ManifestFor(typeof(List<>)));

    public static class Outer
    {
        public sealed record Inner(int Value);
    }
}
