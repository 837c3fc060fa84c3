namespace Pipeline.Streams.Connectors.Http;

/// <summary>The materialized value of <see cref="HttpIngest.Source{T}"/>: the bound address and a way to stop the endpoint.</summary>
public sealed class HttpIngestBinding : IAsyncDisposable
{
    private readonly Func<Task> _stop;

    internal HttpIngestBinding(Task<Uri> address, Func<Task> stop, Func<HttpIngestCounters> counters)
    {
        Address = address;
        _stop = stop;
        CountersProvider = counters;
    }

    /// <summary>Completes with the endpoint's URL (with the actual port) once it listens; fails if it cannot bind.</summary>
    public Task<Uri> Address { get; }

    private Func<HttpIngestCounters> CountersProvider { get; }

    /// <summary>Accepted, rejected (429), quarantined record and request counts so far.</summary>
    public HttpIngestCounters Counters => CountersProvider();

    /// <summary>Stops the endpoint and completes the source.</summary>
    public async ValueTask DisposeAsync() => await _stop().ConfigureAwait(false);
}
