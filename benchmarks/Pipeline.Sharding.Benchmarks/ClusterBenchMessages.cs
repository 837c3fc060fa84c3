using System.Buffers;
using System.Text;
using Pipeline.Runtime.Serialization;

namespace Pipeline.Sharding.Benchmarks;

/// <summary>One message to entity <see cref="EntityId"/> (cluster benchmarks; serialized by <see cref="BenchSerializer"/>).</summary>
public sealed record Hit(string EntityId);

/// <summary>An entity's answer to a <see cref="Hit"/> (handoff benchmark).</summary>
public sealed record Tock(string EntityId);

/// <summary>Asks a node's counter actor how many hits its entities received; answered with <see cref="CountIs"/>.</summary>
public sealed record GetCount;

/// <summary>Hits received by a node's entities so far.</summary>
public sealed record CountIs(long Count);

/// <summary>
/// A user serializer (id 100) for the hot benchmark messages, as an application registers one for its hot
/// messages: one tag byte and the entity id in UTF-8, no manifest. Everything else goes through the JSON default.
/// </summary>
public sealed class BenchSerializer : Serializer
{
    public override int Identifier => 100;

    public override bool IncludeManifest => false;

    public static SerializationSettings Settings => SerializationSettings.Default.WithSerializer(new BenchSerializer(), typeof(Hit), typeof(Tock));

    public override void ToBinary(object obj, IBufferWriter<byte> output)
    {
        var (tag, id) = obj switch
        {
            Hit h => ((byte)0, h.EntityId),
            Tock t => ((byte)1, t.EntityId),
            _ => throw new ArgumentException($"BenchSerializer cannot write a {obj.GetType().Name}", nameof(obj)),
        };
        var span = output.GetSpan(1 + Encoding.UTF8.GetMaxByteCount(id.Length));
        span[0] = tag;
        var n = Encoding.UTF8.GetBytes(id, span[1..]);
        output.Advance(1 + n);
    }

    public override object FromBinary(ReadOnlySpan<byte> bytes, string manifest)
    {
        var id = Encoding.UTF8.GetString(bytes[1..]);
        return bytes[0] == 0 ? new Hit(id) : new Tock(id);
    }
}
