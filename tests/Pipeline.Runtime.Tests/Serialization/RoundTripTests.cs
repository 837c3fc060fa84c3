using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Serialization;

namespace Pipeline.Runtime.Tests.Serialization;

public sealed class RoundTripTests
{
    private readonly SerializationRegistry _registry = new(SerializationSettings.Default);

    [Fact]
    public void Returns_an_equal_copy_not_the_same_instance()
    {
        var item = new Item("sku", 2);

        var back = _registry.RoundTrip(item);

        Assert.Equal(item, back);
        Assert.NotSame(item, back);
    }

    [Fact]
    public void Local_only_messages_are_passed_through()
    {
        var message = new LocalOnly("stays here");

        Assert.Same(message, _registry.RoundTrip(message));
    }

    [Fact]
    public void Failure_to_rebuild_names_the_type_and_both_fixes()
    {
        var error = Assert.Throws<SerializationException>(() => _registry.RoundTrip(new Unbuildable(21)));

        Assert.Contains(typeof(Unbuildable).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains("serializer 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("register a serializer", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(INoSerializationVerificationNeeded), error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void Failure_to_write_names_the_type()
    {
        var error = Assert.Throws<SerializationException>(() => _registry.RoundTrip(new HoldsDelegate()));

        Assert.Contains(typeof(HoldsDelegate).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(INoSerializationVerificationNeeded), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Actor_ref_without_resolver_fails_with_the_fix()
    {
        var error = Assert.Throws<SerializationException>(() =>
            _registry.RoundTrip(new AskQuestion("q", new FakeActorRef("pipeline://sys/user/a"), null, [])));

        Assert.Contains(typeof(AskQuestion).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(IActorRefResolver), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Primitives_bytes_and_memory_keep_their_types()
    {
        Assert.Equal("s", _registry.RoundTrip("s"));
        Assert.Equal(5, _registry.RoundTrip(5));
        Assert.Equal(5L, _registry.RoundTrip(5L));
        Assert.Equal(true, _registry.RoundTrip(true));
        Assert.Equal(new byte[] { 3, 4 }, _registry.RoundTrip(new byte[] { 3, 4 }));
        Assert.Equal([3, 4], Assert.IsType<ReadOnlyMemory<byte>>(_registry.RoundTrip(new ReadOnlyMemory<byte>([3, 4]))).ToArray());
    }
}
