namespace Pipeline.Streams.Connectors.Http;

/// <summary>Settings of the HTTP ingest endpoint.</summary>
public sealed record HttpIngestSettings
{
    /// <summary>The address to bind (loopback by default).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port (0: a free one, see <see cref="HttpIngestBinding.Address"/>).</summary>
    public int Port { get; init; }

    /// <summary>The path that accepts POSTs.</summary>
    public string Path { get; init; } = "/ingest";

    /// <summary>Records the stream buffers before the endpoint answers 429.</summary>
    public int BufferSize { get; init; } = 1024;

    /// <summary>The largest accepted body; larger ones get 413 and are quarantined.</summary>
    public long MaxBodyBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The Retry-After a 429 carries.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);
}
