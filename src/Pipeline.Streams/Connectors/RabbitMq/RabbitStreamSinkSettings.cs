namespace Pipeline.Streams.Connectors.RabbitMq;

/// <summary>Settings of a sink that publishes to a RabbitMQ stream queue with publisher confirms, in batches.</summary>
public sealed record RabbitStreamSinkSettings
{
    /// <summary>Creates settings for one stream queue.</summary>
    public RabbitStreamSinkSettings(Uri uri, string stream)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        Uri = uri;
        Stream = stream;
    }

    /// <summary>The broker.</summary>
    public Uri Uri { get; }

    /// <summary>The stream queue (published through the default exchange).</summary>
    public string Stream { get; }

    /// <summary>Messages per confirmed batch at most.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>The longest a message waits for its batch to fill.</summary>
    public TimeSpan BatchInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Declare the stream queue if missing.</summary>
    public bool DeclareStream { get; init; } = true;
}
