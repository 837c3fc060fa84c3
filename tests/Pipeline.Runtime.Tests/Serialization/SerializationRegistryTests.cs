using System.Buffers;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Type = System.Type;
using Pipeline.Runtime.Serialization;

namespace Pipeline.Runtime.Tests.Serialization;

public sealed class SerializationRegistryTests
{
    private readonly SerializationRegistry _defaults = new(SerializationSettings.Default);

    [Theory]
    [InlineData(typeof(StringValue), ProtobufSerializer.Id)]
    [InlineData(typeof(Struct), ProtobufSerializer.Id)]
    [InlineData(typeof(byte[]), ByteArraySerializer.Id)]
    [InlineData(typeof(ReadOnlyMemory<byte>), ByteArraySerializer.Id)]
    [InlineData(typeof(string), PrimitiveSerializer.Id)]
    [InlineData(typeof(int), PrimitiveSerializer.Id)]
    [InlineData(typeof(long), PrimitiveSerializer.Id)]
    [InlineData(typeof(double), PrimitiveSerializer.Id)]
    [InlineData(typeof(bool), PrimitiveSerializer.Id)]
    [InlineData(typeof(Guid), PrimitiveSerializer.Id)]
    [InlineData(typeof(OrderPlaced), JsonMessageSerializer.Id)]
    [InlineData(typeof(MutableSensorReading), JsonMessageSerializer.Id)]
    [InlineData(typeof(decimal), JsonMessageSerializer.Id)]
    [InlineData(typeof(List<Item>), JsonMessageSerializer.Id)]
    public void Defaults_pick_the_expected_serializer(Type type, int expectedId) =>
        Assert.Equal(expectedId, _defaults.FindSerializerFor(type).Identifier);

    [Fact]
    public void Built_in_serializers_are_found_by_id()
    {
        Assert.IsType<ByteArraySerializer>(_defaults.GetSerializerById(1));
        Assert.IsType<ProtobufSerializer>(_defaults.GetSerializerById(2));
        Assert.IsType<JsonMessageSerializer>(_defaults.GetSerializerById(3));
        Assert.IsType<PrimitiveSerializer>(_defaults.GetSerializerById(4));
    }

    [Fact]
    public void User_serializer_is_registered_bound_and_used()
    {
        var shout = new ShoutSerializer(100);
        var registry = new SerializationRegistry(SerializationSettings.Default.WithSerializer(shout, typeof(Shout)));

        var payload = registry.Serialize(new Shout("hello"));

        Assert.Same(shout, registry.FindSerializerFor(typeof(Shout)));
        Assert.Same(shout, registry.GetSerializerById(100));
        Assert.Equal(100, payload.SerializerId);
        Assert.Equal("", payload.Manifest);
        Assert.Equal("SHOUT:HELLO"u8.ToArray(), payload.Bytes.ToArray());
        Assert.Equal(new Shout("HELLO"), registry.Deserialize(payload));
    }

    [Fact]
    public void Exact_type_beats_base_class_beats_interface_beats_default()
    {
        var onInterface = new MarkerSerializer(100);
        var onBaseClass = new MarkerSerializer(101);
        var onExactType = new MarkerSerializer(102);
        var registry = new SerializationRegistry(SerializationSettings.Default
            .WithSerializer(onInterface, typeof(IAnimal))
            .WithSerializer(onBaseClass, typeof(Animal))
            .WithSerializer(onExactType, typeof(Puppy)));

        Assert.Same(onExactType, registry.FindSerializerFor(typeof(Puppy)));
        Assert.Same(onBaseClass, registry.FindSerializerFor(typeof(Dog)));
        Assert.Same(onInterface, registry.FindSerializerFor(typeof(Cat)));
        Assert.Same(onInterface, registry.FindSerializerFor(typeof(Parrot)));
        Assert.Equal(JsonMessageSerializer.Id, registry.FindSerializerFor(typeof(Item)).Identifier);
    }

    [Fact]
    public void Most_specific_interface_wins()
    {
        var animals = new MarkerSerializer(100);
        var dogs = new MarkerSerializer(101);
        var registry = new SerializationRegistry(SerializationSettings.Default.WithSerializer(animals, typeof(IAnimal)).WithSerializer(dogs, typeof(IDog)));

        Assert.Same(dogs, registry.FindSerializerFor(typeof(Dog)));
        Assert.Same(dogs, registry.FindSerializerFor(typeof(Puppy)));
        Assert.Same(animals, registry.FindSerializerFor(typeof(Cat)));
    }

    [Fact]
    public void User_binding_beats_a_default_binding()
    {
        var custom = new MarkerSerializer(100);
        var registry = new SerializationRegistry(SerializationSettings.Default.WithSerializer(custom, typeof(StringValue), typeof(IAnimal)));

        Assert.Same(custom, registry.FindSerializerFor(typeof(StringValue)));
        Assert.Equal(ProtobufSerializer.Id, registry.FindSerializerFor(typeof(Int32Value)).Identifier);
    }

    [Fact]
    public void Binding_a_type_to_a_built_in_serializer_works()
    {
        var registry = new SerializationRegistry(SerializationSettings.Default.WithBinding(typeof(string), JsonMessageSerializer.Id));

        var payload = registry.Serialize("quoted");

        Assert.Equal(JsonMessageSerializer.Id, payload.SerializerId);
        Assert.Equal("\"quoted\""u8.ToArray(), payload.Bytes.ToArray());
        Assert.Equal("quoted", registry.Deserialize(payload));
    }

    [Fact]
    public void Binding_object_replaces_the_json_fallback_but_not_specific_defaults()
    {
        var everything = new MarkerSerializer(100);
        var registry = new SerializationRegistry(SerializationSettings.Default.WithSerializer(everything, typeof(object)));

        Assert.Same(everything, registry.FindSerializerFor(typeof(Item)));
        Assert.Equal(PrimitiveSerializer.Id, registry.FindSerializerFor(typeof(string)).Identifier);
        Assert.Equal(ProtobufSerializer.Id, registry.FindSerializerFor(typeof(StringValue)).Identifier);
    }

    [Fact]
    public void Unrelated_interfaces_bound_to_different_serializers_are_ambiguous()
    {
        var registry = new SerializationRegistry(SerializationSettings.Default
            .WithSerializer(new MarkerSerializer(100), typeof(IAnimal))
            .WithSerializer(new MarkerSerializer(101), typeof(IPet)));

        var error = Assert.Throws<SerializationException>(() => registry.FindSerializerFor(typeof(Cat)));

        Assert.Contains(typeof(IAnimal).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(IPet).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains($"bind {typeof(Cat).FullName} itself", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unrelated_interfaces_bound_to_the_same_serializer_are_fine()
    {
        var shared = new MarkerSerializer(100);
        var registry = new SerializationRegistry(SerializationSettings.Default.WithSerializer(shared, typeof(IAnimal), typeof(IPet)));

        Assert.Same(shared, registry.FindSerializerFor(typeof(Cat)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(99)]
    [InlineData(-5)]
    public void User_serializer_id_below_100_is_rejected(int id)
    {
        var error = Assert.Throws<ArgumentException>(() => new SerializationRegistry(SerializationSettings.Default.WithSerializer(new MarkerSerializer(id))));

        Assert.Contains($"identifier {id}", error.Message, StringComparison.Ordinal);
        Assert.Contains("100 or more", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_user_ids_are_rejected()
    {
        var settings = SerializationSettings.Default.WithSerializer(new MarkerSerializer(150)).WithSerializer(new ShoutSerializer(150));

        var error = Assert.Throws<ArgumentException>(() => new SerializationRegistry(settings));

        Assert.Contains("identifier 150", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binding_to_an_unknown_id_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new SerializationRegistry(SerializationSettings.Default.WithBinding(typeof(Item), 555)));

        Assert.Contains("serializer 555", error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(Item).FullName!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_serializer_id_on_read_is_a_clear_error()
    {
        var error = Assert.Throws<SerializationException>(() => _defaults.Deserialize(777, "any", [1, 2, 3]));

        Assert.Contains("identifier 777", error.Message, StringComparison.Ordinal);
        Assert.Throws<SerializationException>(() => _defaults.GetSerializerById(777));
    }

    [Fact]
    public void Unknown_manifest_on_read_names_serializer_and_manifest()
    {
        var error = Assert.Throws<SerializationException>(() => _defaults.Deserialize(JsonMessageSerializer.Id, "Acme.Nope, Acme", "{}"u8));

        Assert.Contains("Serializer 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Acme.Nope, Acme'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serializing_into_a_caller_buffer_appends_and_returns_the_header()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write<byte>([0xFF]);

        var header = _defaults.Serialize(new Item("x", 1), output);
        var back = _defaults.Deserialize(header.SerializerId, header.Manifest, output.WrittenSpan[1..]);

        Assert.Equal(0xFF, output.WrittenSpan[0]);
        Assert.Equal(new PayloadHeader(JsonMessageSerializer.Id, _defaults.Manifests.ManifestFor(typeof(Item))), header);
        Assert.Equal(new Item("x", 1), back);
    }

    [Fact]
    public void Serialize_failure_names_the_type_and_serializer()
    {
        var error = Assert.Throws<SerializationException>(() => _defaults.Serialize(new HoldsDelegate()));

        Assert.Contains(typeof(HoldsDelegate).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains("Serializer 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registry_is_safe_to_share_between_threads()
    {
        var resolver = new FakeActorRefResolver();
        var actor = resolver.Add("pipeline://sys/user/worker#3");
        var registry = new SerializationRegistry(SerializationSettings.Default.WithSerializer(new ShoutSerializer(), typeof(Shout)) with { ActorRefResolver = resolver });
        object[] messages =
        [
            new Item("a", 1), new Shout("hey"), "text", 42, 7L, new StringValue { Value = "pb" }, new byte[] { 1, 2 },
            new Envelope("e", 3.5), new AskQuestion("q", actor, actor, [actor]), new Bag([1, "x", null]),
        ];

        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var message = messages[i % messages.Length];
            var back = registry.RoundTrip(message);
            Assert.Equal(message.GetType(), back.GetType());
            switch (message)
            {
                case AskQuestion ask: Assert.Same(ask.ReplyTo, ((AskQuestion)back).ReplyTo); break;
                case Bag bag: Assert.Equal(bag.Values, ((Bag)back).Values); break;
                case byte[] bytes: Assert.Equal(bytes, (byte[])back); break;
                case IMessage proto: Assert.Equal(proto, back); break;
                case Shout: Assert.Equal(new Shout("HEY"), back); break;
                default: Assert.Equal(message, back); break;
            }
        });
    }
}
