using RabbitMQ.Client;

namespace Pipeline.Streams.Connectors.RabbitMq;

/// <summary>Small helpers for stream queues (declaration with the stream arguments).</summary>
public static class RabbitStreams
{
    /// <summary>The queue arguments of a stream queue.</summary>
    public static IDictionary<string, object?> StreamArguments => new Dictionary<string, object?> { ["x-queue-type"] = "stream" };

    /// <summary>Declares a durable stream queue (idempotent).</summary>
    public static async Task DeclareStreamAsync(IChannel channel, string stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        await channel.QueueDeclareAsync(stream, durable: true, exclusive: false, autoDelete: false, arguments: StreamArguments, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
