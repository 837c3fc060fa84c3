using Pipeline.Runtime.Serialization;

namespace Pipeline.Runtime.Tests.Serialization;

public sealed class PrimitiveSerializerTests
{
    private readonly PrimitiveSerializer _serializer = new();

    public static TheoryData<object> Values => new()
    {
        "", "plain", "ünïcödé ✓ 🚀", new string('x', 10_000),
        0, int.MinValue, int.MaxValue, -42,
        0L, long.MinValue, long.MaxValue,
        0.0, -1.5, double.Epsilon, double.NaN, double.PositiveInfinity, double.MaxValue,
        true, false,
        Guid.Empty, Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Round_trips_with_the_same_type_and_value(object value)
    {
        var bytes = _serializer.ToBinary(value);
        var back = _serializer.FromBinary(bytes, _serializer.Manifest(value));

        Assert.IsType(value.GetType(), back);
        Assert.Equal(value, back);
    }

    [Fact]
    public void Layout_is_compact_little_endian()
    {
        Assert.Equal([0x01, 0x02, 0x03, 0x04], _serializer.ToBinary(0x04030201));
        Assert.Equal([1], _serializer.ToBinary(true));
        Assert.Equal("hé"u8.ToArray(), _serializer.ToBinary("hé"));
        Assert.Equal(16, _serializer.ToBinary(Guid.NewGuid()).Length);
    }

    [Theory]
    [InlineData("I", 3)]
    [InlineData("L", 4)]
    [InlineData("D", 9)]
    [InlineData("B", 0)]
    [InlineData("G", 15)]
    public void Wrong_length_is_a_clear_error(string manifest, int length)
    {
        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(new byte[length], manifest));

        Assert.Contains($"'{manifest}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"got {length}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_rejected_not_replaced() =>
        Assert.Throws<SerializationException>(() => _serializer.FromBinary(new byte[] { 0x68, 0xC3 }, "S"));

    [Fact]
    public void Bool_must_be_zero_or_one() =>
        Assert.Throws<SerializationException>(() => _serializer.FromBinary(new byte[] { 2 }, "B"));

    [Fact]
    public void Unknown_manifest_and_unsupported_type_are_clear_errors()
    {
        Assert.Contains("'Z'", Assert.Throws<SerializationException>(() => _serializer.FromBinary([], "Z")).Message, StringComparison.Ordinal);
        Assert.Contains("System.Decimal", Assert.Throws<SerializationException>(() => _serializer.Manifest(1.5m)).Message, StringComparison.Ordinal);
    }
}
