using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Streams.Restart;

namespace Pipeline.Streams.Connectors.RabbitMq;

/// <summary>Settings of a RabbitMQ stream-queue source.</summary>
public sealed record RabbitStreamSourceSettings
{
    /// <summary>Creates settings for one stream queue.</summary>
    public RabbitStreamSourceSettings(Uri uri, string stream)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        Uri = uri;
        Stream = stream;
    }

    /// <summary>The broker (amqp://user:pass@host:port/vhost).</summary>
    public Uri Uri { get; }

    /// <summary>The stream queue's name.</summary>
    public string Stream { get; }

    /// <summary>The id offsets are stored under (default "rabbitmq:" + stream).</summary>
    public string? SourceId { get; init; }

    /// <summary>Where to start when no offset was committed: "first", "last", "next" or an offset.</summary>
    public object StartOffset { get; init; } = "first";

    /// <summary>Unacknowledged deliveries at most: the stream's buffer, and its backpressure.</summary>
    public ushort Prefetch { get; init; } = 500;

    /// <summary>Declare the stream queue if missing.</summary>
    public bool DeclareStream { get; init; } = true;

    /// <summary>Backoff of reconnections after a lost connection (unbounded restarts unless MaxRestarts is set).</summary>
    public RestartSettings Reconnect { get; init; } = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));

    /// <summary>Where lost connections and reconnection attempts are logged.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    internal string EffectiveSourceId => SourceId ?? "rabbitmq:" + Stream;
}
