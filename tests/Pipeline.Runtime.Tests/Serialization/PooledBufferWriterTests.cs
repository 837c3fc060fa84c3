using Pipeline.Runtime.Serialization;

namespace Pipeline.Runtime.Tests.Serialization;

public sealed class PooledBufferWriterTests
{
    [Fact]
    public void Grows_and_keeps_what_was_written()
    {
        using var writer = new PooledBufferWriter(initialCapacity: 16);
        var expected = new List<byte>();
        for (var i = 0; i < 5000; i++)
        {
            var span = writer.GetSpan(3);
            span[0] = (byte)i;
            span[1] = (byte)(i >> 8);
            span[2] = 7;
            writer.Advance(3);
            expected.AddRange([(byte)i, (byte)(i >> 8), 7]);
        }

        Assert.Equal(15000, writer.WrittenCount);
        Assert.Equal(expected, writer.WrittenSpan.ToArray());
        Assert.Equal(expected, writer.WrittenMemory.ToArray());
    }

    [Fact]
    public void Clear_starts_over()
    {
        using var writer = new PooledBufferWriter();
        writer.GetSpan(10)[..3].Fill(1);
        writer.Advance(3);
        writer.Clear();
        writer.GetSpan(1)[0] = 9;
        writer.Advance(1);

        Assert.Equal([9], writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Advancing_past_the_handed_out_space_fails()
    {
        using var writer = new PooledBufferWriter();
        var available = writer.GetSpan().Length;

        Assert.Throws<InvalidOperationException>(() => writer.Advance(available + 1));
    }

    [Fact]
    public void Disposed_writer_refuses_use()
    {
        var writer = new PooledBufferWriter();
        writer.Dispose();
        writer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => writer.GetSpan());
        Assert.Throws<ObjectDisposedException>(() => writer.WrittenSpan.ToArray());
    }
}
