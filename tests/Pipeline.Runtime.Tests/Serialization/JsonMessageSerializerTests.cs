using System.Text;
using System.Text.Json;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Serialization;

namespace Pipeline.Runtime.Tests.Serialization;

public sealed class JsonMessageSerializerTests
{
    private readonly FakeActorRefResolver _resolver = new();
    private readonly SerializationRegistry _registry;

    public JsonMessageSerializerTests() =>
        _registry = new SerializationRegistry(SerializationSettings.Default with { ActorRefResolver = _resolver });

    private T RoundTrip<T>(T message) where T : notnull
    {
        var payload = _registry.Serialize(message);
        Assert.Equal(JsonMessageSerializer.Id, payload.SerializerId);
        return Assert.IsType<T>(_registry.Deserialize(payload));
    }

    [Fact]
    public void Record_with_constructor_round_trips()
    {
        var order = new OrderPlaced("o-1", 3, 19.99m, new DateTimeOffset(2026, 11, 25, 10, 30, 0, TimeSpan.FromHours(2)), ["rush", "gift"]);

        var back = RoundTrip(order);

        Assert.Equal(order.OrderId, back.OrderId);
        Assert.Equal(order.Quantity, back.Quantity);
        Assert.Equal(order.Price, back.Price);
        Assert.Equal(order.At, back.At);
        Assert.Equal(order.At.Offset, back.At.Offset);
        Assert.Equal(order.Tags, back.Tags);
    }

    [Fact]
    public void Poco_with_setters_init_and_public_fields_round_trips()
    {
        var reading = new MutableSensorReading
        {
            Sensor = "t-1",
            Value = -3.25,
            Sequence = 1L << 40,
            Labels = ["a", "b"],
            Extra = new() { ["calibration"] = 0.5 },
        };

        var back = RoundTrip(reading);

        Assert.Equal("t-1", back.Sensor);
        Assert.Equal(-3.25, back.Value);
        Assert.Equal(1L << 40, back.Sequence);
        Assert.Equal(["a", "b"], back.Labels);
        Assert.Equal(0.5, back.Extra["calibration"]);
    }

    [Fact]
    public void Get_only_collections_are_filled_and_settable_defaults_are_replaced()
    {
        var original = new GetOnlyCollections { Name = "g", Prefilled = ["mine"] };
        original.Numbers.AddRange([4, 5, 6]);
        original.ByKey["k"] = new Item("v", 1);
        original.Names.Add("n");

        var back = RoundTrip(original);

        Assert.Equal("g", back.Name);
        Assert.Equal([4, 5, 6], back.Numbers);
        Assert.Equal(new Item("v", 1), back.ByKey["k"]);
        Assert.Equal(["n"], back.Names);
        Assert.Equal([1, 2], back.Frozen);
        Assert.Equal(15, back.Total);
        Assert.Equal(["mine"], back.Prefilled);
    }

    [Fact]
    public void Nested_collections_round_trip()
    {
        var basket = new Basket(
            "ada",
            new() { ["top"] = [new Item("apple", 0.2), new Item("pear", 0.25)], ["empty"] = [] },
            [[1, 2, 3], [], [int.MaxValue]],
            [Guid.Parse("a3c1b2f0-0000-4000-8000-000000000001"), Guid.Parse("a3c1b2f0-0000-4000-8000-000000000002")]);

        var back = RoundTrip(basket);

        Assert.Equal("ada", back.Owner);
        Assert.Equal(basket.ItemsByShelf["top"], back.ItemsByShelf["top"]);
        Assert.Empty(back.ItemsByShelf["empty"]);
        Assert.Equal(basket.Matrix, back.Matrix);
        Assert.Equal(basket.Ids, back.Ids);
    }

    [Fact]
    public void Top_level_collections_enums_timespans_and_tuples_round_trip()
    {
        Assert.Equal([new Item("a", 1), new Item("b", 2)], RoundTrip(new List<Item> { new("a", 1), new("b", 2) }));
        Assert.Equal(new Prioritized(Priority.High, TimeSpan.FromMilliseconds(1500)), RoundTrip(new Prioritized(Priority.High, TimeSpan.FromMilliseconds(1500))));
        Assert.Equal((7, "seven"), RoundTrip(new Pair((7, "seven"))).Tuple);
        Assert.Equal(12.5m, RoundTrip(12.5m));
        Assert.Equal(DateTime.UnixEpoch, RoundTrip(DateTime.UnixEpoch));
    }

    public static TheoryData<object?> ObjectPayloads => new()
    {
        null, "text", "", true, false, 0, -17, int.MaxValue, 5L, long.MaxValue, 2.0, double.NaN, -0.125, 7.25m,
        Guid.Parse("c0ffee00-0000-4000-8000-000000000000"), new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(-5)),
        (short)3, 'c', Priority.High, new Item("nested", 1.5), new int[] { 1, 2 },
    };

    [Theory]
    [MemberData(nameof(ObjectPayloads))]
    public void Object_typed_member_keeps_its_runtime_type(object? payload)
    {
        var back = RoundTrip(new Envelope("k", payload));

        if (payload is null)
        {
            Assert.Null(back.Payload);
            return;
        }
        Assert.NotNull(back.Payload);
        Assert.IsType(payload.GetType(), back.Payload);
        Assert.Equal(payload, back.Payload);
    }

    [Fact]
    public void List_of_objects_keeps_each_element_type()
    {
        var bag = new Bag(["s", 1, 2L, 3.5, true, null, new Item("i", 0), new List<object?> { 1, "two" }]);

        var back = RoundTrip(bag);

        Assert.Equal(bag.Values.Count, back.Values.Count);
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(bag.Values[i], back.Values[i]);
            Assert.Equal(bag.Values[i]?.GetType(), back.Values[i]?.GetType());
        }
        Assert.Equal([1, "two"], Assert.IsType<List<object?>>(back.Values[7]));
    }

    [Fact]
    public void Untagged_json_in_an_object_member_reads_as_plain_values()
    {
        var manifest = _registry.Manifests.ManifestFor(typeof(Bag));
        var json = """{"Values":[1,4294967296,1.5,"x",false,null,{"a":1},[1,2]]}"""u8;

        var back = Assert.IsType<Bag>(_registry.Deserialize(JsonMessageSerializer.Id, manifest, json));

        Assert.Equal(1, Assert.IsType<int>(back.Values[0]));
        Assert.Equal(4294967296L, Assert.IsType<long>(back.Values[1]));
        Assert.Equal(1.5, Assert.IsType<double>(back.Values[2]));
        Assert.Equal("x", back.Values[3]);
        Assert.Equal(false, back.Values[4]);
        Assert.Null(back.Values[5]);
        Assert.Equal(1, Assert.IsType<JsonElement>(back.Values[6]).GetProperty("a").GetInt32());
        Assert.Equal(JsonValueKind.Array, Assert.IsType<JsonElement>(back.Values[7]).ValueKind);
    }

    [Fact]
    public void Actor_refs_travel_as_paths_and_resolve_through_the_resolver()
    {
        var replyTo = _resolver.Add("pipeline://sys@10.0.0.1:2552/user/ingest/source-7#1234");
        var watcher = _resolver.Add("pipeline://sys@10.0.0.2:2552/user/monitor#99");
        var ask = new AskQuestion("ready?", replyTo, null, [watcher, replyTo]);

        var payload = _registry.Serialize(ask);
        var json = Encoding.UTF8.GetString(payload.Bytes.Span);
        var back = Assert.IsType<AskQuestion>(_registry.Deserialize(payload));

        Assert.Contains("\"pipeline://sys@10.0.0.1:2552/user/ingest/source-7#1234\"", json, StringComparison.Ordinal);
        Assert.Same(replyTo, back.ReplyTo);
        Assert.Null(back.CopyTo);
        Assert.Same(watcher, back.Watchers[0]);
        Assert.Same(replyTo, back.Watchers[1]);
        Assert.Equal(3, _resolver.Resolved);
    }

    [Fact]
    public void Actor_ref_as_the_whole_message_or_in_an_object_member_round_trips()
    {
        var actor = _resolver.Add("pipeline://sys/user/a#5");

        var payload = _registry.Serialize(actor);

        Assert.Equal(_registry.Manifests.ManifestFor(typeof(IActorRef)), payload.Manifest);
        Assert.Same(actor, _registry.Deserialize(payload));
        Assert.Same(actor, RoundTrip(new Envelope("ref", actor)).Payload);
    }

    [Fact]
    public void Actor_ref_without_a_resolver_is_a_clear_error()
    {
        var registry = new SerializationRegistry(SerializationSettings.Default);
        var ask = new AskQuestion("q", new FakeActorRef("pipeline://sys/user/a"), null, []);

        var error = Assert.Throws<SerializationException>(() => registry.Serialize(ask));

        Assert.Contains(nameof(IActorRefResolver), error.Message, StringComparison.Ordinal);
        Assert.Contains("SerializationSettings.ActorRefResolver", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Actor_path_round_trips_with_its_uid()
    {
        var path = ActorPath.Parse("pipeline://sys@host:2552/user/a/b#77");

        var back = RoundTrip(new Located(path)).Where;

        Assert.Equal(path.ToString(), back.ToString());
        Assert.Equal(77, back.Uid);
    }

    [Fact]
    public void Fragmented_input_parses()
    {
        var basket = new Basket("frag", new() { ["s"] = [new Item(new string('q', 500), 1)] }, [], []);
        var payload = _registry.Serialize(basket);

        var back = Assert.IsType<Basket>(_registry.Deserialize(payload.SerializerId, payload.Manifest, Segments.Split(payload.Bytes.Span, 9)));

        Assert.Equal(basket.ItemsByShelf["s"], back.ItemsByShelf["s"]);
    }

    [Fact]
    public void Malformed_json_names_the_serializer_and_manifest()
    {
        var manifest = _registry.Manifests.ManifestFor(typeof(Item));

        var error = Assert.Throws<SerializationException>(() => _registry.Deserialize(JsonMessageSerializer.Id, manifest, """{"Sku": """u8));

        Assert.Contains("Serializer 3", error.Message, StringComparison.Ordinal);
        Assert.Contains(manifest, error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<JsonException>(error.InnerException);
    }

    [Fact]
    public void Json_null_is_not_a_message()
    {
        var manifest = _registry.Manifests.ManifestFor(typeof(Item));

        Assert.Throws<SerializationException>(() => _registry.Deserialize(JsonMessageSerializer.Id, manifest, "null"u8));
    }

    [Fact]
    public void Alias_reads_json_written_under_an_old_type_name()
    {
        var registry = new SerializationRegistry(SerializationSettings.Default.WithManifestAlias("Acme.Shipping.Parcel, Acme.Legacy", typeof(Item)));

        var back = registry.Deserialize(JsonMessageSerializer.Id, "Acme.Shipping.Parcel, Acme.Legacy", """{"Sku":"old","Weight":2.5}"""u8);

        Assert.Equal(new Item("old", 2.5), back);
    }

    [Fact]
    public void Alias_also_resolves_type_tags_inside_object_members()
    {
        var registry = new SerializationRegistry(SerializationSettings.Default.WithManifestAlias("Acme.Shipping.Parcel, Acme.Legacy", typeof(Item)));
        var manifest = registry.Manifests.ManifestFor(typeof(Envelope));
        var json = """{"Kind":"k","Payload":{"$type":"Acme.Shipping.Parcel, Acme.Legacy","$value":{"Sku":"tagged","Weight":1}}}"""u8;

        var back = Assert.IsType<Envelope>(registry.Deserialize(JsonMessageSerializer.Id, manifest, json));

        Assert.Equal(new Item("tagged", 1), back.Payload);
    }
}
