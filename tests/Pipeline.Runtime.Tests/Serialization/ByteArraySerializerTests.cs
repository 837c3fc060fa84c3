using Pipeline.Runtime.Serialization;

namespace Pipeline.Runtime.Tests.Serialization;

public sealed class ByteArraySerializerTests
{
    private readonly ByteArraySerializer _serializer = new();

    [Fact]
    public void Byte_array_is_written_as_is_and_comes_back_as_a_copy()
    {
        byte[] original = [0, 1, 2, 250, 255];

        var bytes = _serializer.ToBinary(original);
        var back = _serializer.FromBinary(bytes, _serializer.Manifest(original));

        Assert.Equal(original, bytes);
        var array = Assert.IsType<byte[]>(back);
        Assert.Equal(original, array);
        Assert.NotSame(original, array);
    }

    [Fact]
    public void Read_only_memory_comes_back_as_read_only_memory()
    {
        var original = new ReadOnlyMemory<byte>([9, 8, 7, 6, 5], 1, 3);

        var manifest = _serializer.Manifest(original);
        var back = _serializer.FromBinary(_serializer.ToBinary(original), manifest);

        Assert.Equal(ByteArraySerializer.ReadOnlyMemoryManifest, manifest);
        Assert.Equal([8, 7, 6], Assert.IsType<ReadOnlyMemory<byte>>(back).ToArray());
    }

    [Fact]
    public void Fragmented_input_is_joined()
    {
        var bytes = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();

        var back = _serializer.FromBinary(Segments.Split(bytes, 7), "");

        Assert.Equal(bytes, Assert.IsType<byte[]>(back));
    }

    [Fact]
    public void Other_types_and_manifests_are_rejected()
    {
        Assert.Throws<SerializationException>(() => _serializer.ToBinary("text"));
        Assert.Contains("'X'", Assert.Throws<SerializationException>(() => _serializer.FromBinary([1], "X")).Message, StringComparison.Ordinal);
    }
}
