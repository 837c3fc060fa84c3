using System.Globalization;
using System.Text.Json;
using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Connectors.RabbitMq;

/// <summary>
/// A sink into a super stream: each record goes to the partition of its routing key
/// (<see cref="SuperStreamRouting.PartitionOf"/>), published through the super stream's direct exchange with the
/// partition's binding key "0".."N-1", so it lands on stream "&lt;name&gt;-i" — the stream that partition i's source of
/// <see cref="RabbitSuperStreamSource"/> reads. One key's records keep their order. Publishes with confirms in
/// batches like <see cref="RabbitStreamSink"/> (settings' <c>Stream</c> is the super stream's name; with
/// <c>DeclareStream</c> the exchange, partition streams and bindings are declared).
/// </summary>
public static class RabbitSuperStreamSink
{
    /// <summary>A sink of records serialized by <paramref name="serialize"/>, routed by <paramref name="routingKey"/>.</summary>
    public static Sink<T, Task> Create<T>(RabbitStreamSinkSettings settings, int partitions, Func<T, string> routingKey, Func<T, ReadOnlyMemory<byte>> serialize)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(routingKey);
        ArgumentNullException.ThrowIfNull(serialize);
        if (partitions < 1) throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "A super stream has at least one partition.");
        var bindingKeys = Enumerable.Range(0, partitions).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var superStream = settings.Stream;
        return Flow.Create<T>()
            .Select(r => new RabbitOutgoing(bindingKeys[SuperStreamRouting.PartitionOf(routingKey(r), partitions)], serialize(r)))
            .ToMat(RabbitStreamSink.Publisher(settings, exchange: superStream,
                settings.DeclareStream ? (channel, ct) => RabbitSuperStreamSource.DeclareAsync(channel, superStream, partitions, ct) : null), Keep.Right);
    }

    /// <summary>A sink of records serialized as JSON, routed by <paramref name="routingKey"/>.</summary>
    public static Sink<T, Task> Json<T>(RabbitStreamSinkSettings settings, int partitions, Func<T, string> routingKey, JsonSerializerOptions? json = null)
    {
        var options = json ?? JsonSerializerOptions.Web;
        return Create(settings, partitions, routingKey, r => (ReadOnlyMemory<byte>)JsonSerializer.SerializeToUtf8Bytes(r, options));
    }
}
