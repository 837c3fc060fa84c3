using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Pipeline.Runtime.Serialization;

namespace Pipeline.Runtime.Tests.Serialization;

public sealed class ProtobufSerializerTests
{
    private readonly SerializationRegistry _registry = new(SerializationSettings.Default);

    public static TheoryData<IMessage> Messages => new()
    {
        new StringValue { Value = "hello ✓" },
        Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 25, 14, 0, 0, TimeSpan.Zero)),
        new Struct
        {
            Fields =
            {
                ["name"] = Value.ForString("sensor-7"),
                ["reading"] = Value.ForNumber(21.5),
                ["tags"] = Value.ForList(Value.ForString("a"), Value.ForBool(true), Value.ForNull()),
                ["nested"] = Value.ForStruct(new Struct { Fields = { ["depth"] = Value.ForNumber(2) } }),
            },
        },
        new Int64Value(),
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Round_trips_through_the_registry_with_protobuf(IMessage message)
    {
        var payload = _registry.Serialize(message);
        var back = _registry.Deserialize(payload);

        Assert.Equal(ProtobufSerializer.Id, payload.SerializerId);
        Assert.Equal(message.ToByteArray(), payload.Bytes.ToArray());
        Assert.IsType(message.GetType(), back);
        Assert.Equal(message, back);
    }

    [Fact]
    public void Manifest_is_the_compact_type_name()
    {
        var payload = _registry.Serialize(new StringValue { Value = "x" });

        Assert.Equal("Google.Protobuf.WellKnownTypes.StringValue, Google.Protobuf", payload.Manifest);
    }

    [Fact]
    public void Fragmented_input_parses()
    {
        var message = new Struct { Fields = { ["text"] = Value.ForString(new string('z', 3000)) } };
        var payload = _registry.Serialize(message);

        var back = _registry.Deserialize(payload.SerializerId, payload.Manifest, Segments.Split(payload.Bytes.Span, 5));

        Assert.Equal(message, back);
    }

    [Fact]
    public void Manifest_of_a_non_protobuf_type_is_rejected()
    {
        var manifest = _registry.Manifests.ManifestFor(typeof(OrderPlaced));

        var error = Assert.Throws<SerializationException>(() => _registry.Deserialize(ProtobufSerializer.Id, manifest, []));

        Assert.Contains("not a Google.Protobuf IMessage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_bytes_name_the_serializer_and_manifest()
    {
        var manifest = _registry.Manifests.ManifestFor(typeof(StringValue));

        var error = Assert.Throws<SerializationException>(() => _registry.Deserialize(ProtobufSerializer.Id, manifest, new byte[] { 0x0A, 0x10, 0x41 }));

        Assert.Contains("Serializer 2", error.Message, StringComparison.Ordinal);
        Assert.Contains(manifest, error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidProtocolBufferException>(error.InnerException);
    }

    [Fact]
    public void Alias_reads_protobuf_data_written_under_an_old_name()
    {
        var registry = new SerializationRegistry(SerializationSettings.Default.WithManifestAlias("Acme.Proto.Label, Acme.Contracts", typeof(StringValue)));
        var bytes = new StringValue { Value = "renamed" }.ToByteArray();

        var back = registry.Deserialize(ProtobufSerializer.Id, "Acme.Proto.Label, Acme.Contracts", bytes);

        Assert.Equal("renamed", Assert.IsType<StringValue>(back).Value);
    }
}
