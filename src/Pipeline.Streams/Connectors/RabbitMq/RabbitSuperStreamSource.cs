using System.Text.Json;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Offsets;
using Pipeline.Streams.Quarantine;
using RabbitMQ.Client;

namespace Pipeline.Streams.Connectors.RabbitMq;

/// <summary>
/// The partitions of a super stream (a direct exchange bound to N streams "&lt;name&gt;-0".."&lt;name&gt;-(N-1)" by
/// routing keys "0".."N-1") consumed as one source: one <see cref="RabbitStreamSource"/> per partition, each with
/// its own offsets (source id "rabbitmq:&lt;name&gt;-i"), merged. Order is preserved per partition.
/// </summary>
public static class RabbitSuperStreamSource
{
    /// <summary>The name of partition <paramref name="index"/> of <paramref name="superStream"/>.</summary>
    public static string PartitionName(string superStream, int index) => $"{superStream}-{index}";

    /// <summary>Merged JSON sources over the <paramref name="partitions"/> partitions of <paramref name="superStream"/>.</summary>
    public static Source<CommittableRecord<T>, NotUsed> Json<T>(Uri uri, string superStream, int partitions, IOffsetStore offsets, IQuarantine quarantine,
        Func<RabbitStreamSourceSettings, RabbitStreamSourceSettings>? configure = null, JsonSerializerOptions? json = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(superStream);
        if (partitions < 1) throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "A super stream has at least one partition.");
        var sources = Enumerable.Range(0, partitions)
            .Select(i =>
            {
                var settings = new RabbitStreamSourceSettings(uri, PartitionName(superStream, i)) { DeclareStream = false };
                return RabbitStreamSource.Json<T>(configure is null ? settings : configure(settings), offsets, quarantine, json);
            })
            .ToArray();
        return Source.Merge(sources);
    }

    /// <summary>Declares a super stream: the direct exchange, the partition streams and their bindings (idempotent).</summary>
    public static async Task DeclareAsync(Uri uri, string superStream, int partitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var factory = new ConnectionFactory { Uri = uri };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await DeclareAsync(channel, superStream, partitions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Declares a super stream on an open channel (idempotent).</summary>
    public static async Task DeclareAsync(IChannel channel, string superStream, int partitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(superStream);
        if (partitions < 1) throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "A super stream has at least one partition.");
        await channel.ExchangeDeclareAsync(superStream, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < partitions; i++)
        {
            var name = PartitionName(superStream, i);
            await RabbitStreams.DeclareStreamAsync(channel, name, cancellationToken).ConfigureAwait(false);
            await channel.QueueBindAsync(name, superStream, i.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
