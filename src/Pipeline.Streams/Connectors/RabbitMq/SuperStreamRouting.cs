using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Pipeline.Streams.Connectors.RabbitMq;

/// <summary>
/// Which partition of a super stream a routing key belongs to: MurmurHash3 (x86, 32 bit, seed 104729) of the key's
/// UTF-8 bytes, as an unsigned number, modulo the partition count — the hash RabbitMQ's own super-stream clients
/// use, so producers of either kind put a key on the same partition, and one key's records stay in order on one
/// partition stream (read by that partition's source of <see cref="RabbitSuperStreamSource"/>).
/// </summary>
public static class SuperStreamRouting
{
    /// <summary>The seed of RabbitMQ's hash routing strategy.</summary>
    public const uint Seed = 104729;

    /// <summary>The partition (0..<paramref name="partitions"/>-1) of <paramref name="routingKey"/>.</summary>
    public static int PartitionOf(string routingKey, int partitions)
    {
        ArgumentNullException.ThrowIfNull(routingKey);
        if (partitions < 1) throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "A super stream has at least one partition.");
        var length = Encoding.UTF8.GetByteCount(routingKey);
        byte[]? rented = null;
        var bytes = length <= 256 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        Encoding.UTF8.GetBytes(routingKey, bytes);
        var hash = Murmur3(bytes, Seed);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return (int)(hash % (uint)partitions);
    }

    /// <summary>MurmurHash3 x86 32-bit.</summary>
    internal static uint Murmur3(ReadOnlySpan<byte> data, uint seed)
    {
        const uint c1 = 0xcc9e2d51, c2 = 0x1b873593;
        var h = seed;
        var blocks = data.Length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4, 4));
            k *= c1;
            k = BitOperations.RotateLeft(k, 15);
            k *= c2;
            h ^= k;
            h = BitOperations.RotateLeft(h, 13);
            h = (h * 5) + 0xe6546b64;
        }
        var tail = data[(blocks * 4)..];
        uint k1 = 0;
        switch (tail.Length)
        {
            case 3:
                k1 ^= (uint)tail[2] << 16;
                goto case 2;
            case 2:
                k1 ^= (uint)tail[1] << 8;
                goto case 1;
            case 1:
                k1 ^= tail[0];
                k1 *= c1;
                k1 = BitOperations.RotateLeft(k1, 15);
                k1 *= c2;
                h ^= k1;
                break;
        }
        h ^= (uint)data.Length;
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }
}
