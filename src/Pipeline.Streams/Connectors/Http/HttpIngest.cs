using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Quarantine;

namespace Pipeline.Streams.Connectors.Http;

/// <summary>
/// An HTTP ingest endpoint (Kestrel) as a source: POST a JSON object, a JSON array, or NDJSON
/// (<c>application/x-ndjson</c>) to <see cref="HttpIngestSettings.Path"/>. A batch is admitted whole when the
/// stream's bounded buffer has room for it (202 with counts), otherwise refused with 429 and Retry-After: the
/// endpoint never buffers beyond its bound. Malformed records (bad JSON lines) are quarantined with
/// "request N line M" and the rest of the batch is accepted; a body over the limit gets 413 and is quarantined.
/// </summary>
public static class HttpIngest
{
    /// <summary>A source fed by the endpoint; materializing it starts the endpoint, completing the stream stops it.</summary>
    public static Source<T, HttpIngestBinding> Source<T>(HttpIngestSettings settings, IQuarantine quarantine, JsonSerializerOptions? json = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(quarantine);
        if (settings.BufferSize < 1) throw new ArgumentOutOfRangeException(nameof(settings), settings.BufferSize, "HttpIngestSettings.BufferSize must be at least 1.");
        if (settings.MaxBodyBytes < 1) throw new ArgumentOutOfRangeException(nameof(settings), settings.MaxBodyBytes, "HttpIngestSettings.MaxBodyBytes must be at least 1.");
        return Dsl.Source.Queue<T>(settings.BufferSize, OverflowStrategy.Backpressure)
            .MapMaterializedValue(queue => new Endpoint<T>(settings, quarantine, json ?? JsonSerializerOptions.Web, queue).Start());
    }

    private sealed class Endpoint<T>(HttpIngestSettings settings, IQuarantine quarantine, JsonSerializerOptions json, ISourceQueue<T> queue)
    {
        private readonly Lock _admission = new();
        private long _requests, _accepted, _quarantined, _rejected;
        private WebApplication? _app;

        public HttpIngestBinding Start()
        {
            var address = StartAsync();
            _ = queue.WhenTerminated.ContinueWith(_ => StopAsync(), TaskScheduler.Default).Unwrap();
            return new HttpIngestBinding(address, StopAsync, () => new HttpIngestCounters(
                Interlocked.Read(ref _accepted), Interlocked.Read(ref _quarantined), Interlocked.Read(ref _rejected), Interlocked.Read(ref _requests)));
        }

        private async Task<Uri> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.Listen(IPAddress.Parse(settings.Host), settings.Port);
                k.Limits.MaxRequestBodySize = null; // the endpoint enforces its own limit, to quarantine and count
            });
            var app = builder.Build();
            app.MapPost(settings.Path, HandleAsync);
            _app = app;
            await app.StartAsync().ConfigureAwait(false);
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(new Uri(bound), settings.Path);
        }

        private async Task StopAsync()
        {
            var app = Interlocked.Exchange(ref _app, null);
            if (app is null) return;
            queue.Complete();
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        private async Task HandleAsync(HttpContext http)
        {
            var requestId = Interlocked.Increment(ref _requests);
            var ct = http.RequestAborted;
            var body = await ReadLimitedAsync(http.Request, ct).ConfigureAwait(false);
            if (body is null)
            {
                await QuarantineAsync(requestId, "body", $"body over the limit of {settings.MaxBodyBytes} bytes (Content-Length {http.Request.ContentLength?.ToString() ?? "unknown"})", "", ct).ConfigureAwait(false);
                http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await http.Response.WriteAsync($"body over the limit of {settings.MaxBodyBytes} bytes", ct).ConfigureAwait(false);
                return;
            }
            var records = new List<T>();
            var bad = 0;
            var ndjson = http.Request.ContentType?.Contains("ndjson", StringComparison.OrdinalIgnoreCase) == true
                || http.Request.ContentType?.Contains("jsonl", StringComparison.OrdinalIgnoreCase) == true;
            if (ndjson)
            {
                var lineNo = 0;
                foreach (var line in Encoding.UTF8.GetString(body).Split('\n'))
                {
                    lineNo++;
                    if (string.IsNullOrWhiteSpace(line)) continue;
                    if (TryParse(line, out var value, out var error)) records.Add(value);
                    else
                    {
                        bad++;
                        await QuarantineAsync(requestId, $"line {lineNo}", error, line, ct).ConfigureAwait(false);
                    }
                }
            }
            else if (!ParseDocument(body, records, out var docError))
            {
                await QuarantineAsync(requestId, "body", docError, Encoding.UTF8.GetString(body), ct).ConfigureAwait(false);
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                await http.Response.WriteAsync(docError, ct).ConfigureAwait(false);
                return;
            }
            if (records.Count > settings.BufferSize)
            {
                Interlocked.Increment(ref _rejected);
                http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await http.Response.WriteAsync($"a batch of {records.Count} records exceeds the ingest buffer of {settings.BufferSize}; send smaller batches", ct).ConfigureAwait(false);
                return;
            }
            var result = Admit(records);
            if (result == QueueOfferResult.Dropped)
            {
                Interlocked.Increment(ref _rejected);
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(settings.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await http.Response.WriteAsync("the stream is backpressured; retry later", ct).ConfigureAwait(false);
                return;
            }
            if (result != QueueOfferResult.Enqueued)
            {
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await http.Response.WriteAsync("the ingest stream is closed", ct).ConfigureAwait(false);
                return;
            }
            Interlocked.Add(ref _accepted, records.Count);
            http.Response.StatusCode = StatusCodes.Status202Accepted;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync($"{{\"accepted\":{records.Count},\"quarantined\":{bad}}}", ct).ConfigureAwait(false);
        }

        /// <summary>Admits a whole batch when the buffer has room for all of it; never waits.</summary>
        private QueueOfferResult Admit(List<T> records)
        {
            lock (_admission)
            {
                if (queue.Failure is not null) return QueueOfferResult.Failure;
                if (queue.WhenTerminated.IsCompleted) return QueueOfferResult.QueueClosed;
                if (queue.Count + records.Count > settings.BufferSize) return QueueOfferResult.Dropped;
                foreach (var r in records)
                {
                    var offer = queue.OfferAsync(r);
                    // room was checked under the admission lock, so the offer is synchronous
                    if (!offer.IsCompletedSuccessfully || offer.GetAwaiter().GetResult() != QueueOfferResult.Enqueued) return QueueOfferResult.QueueClosed;
                }
                return QueueOfferResult.Enqueued;
            }
        }

        private bool TryParse(string text, out T value, out string error)
        {
            try
            {
                var v = JsonSerializer.Deserialize<T>(text, json);
                if (v is null)
                {
                    value = default!;
                    error = "the record is JSON null";
                    return false;
                }
                value = v;
                error = "";
                return true;
            }
            catch (Exception e) when (e is JsonException or NotSupportedException)
            {
                value = default!;
                error = "bad JSON: " + e.Message;
                return false;
            }
        }

        private bool ParseDocument(byte[] body, List<T> records, out string error)
        {
            error = "";
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind == JsonValueKind.Array)
                {
                    foreach (var e in doc.RootElement.EnumerateArray())
                    {
                        var v = e.Deserialize<T>(json);
                        if (v is null) { error = "the batch contains a JSON null record"; return false; }
                        records.Add(v);
                    }
                    return true;
                }
                var single = doc.RootElement.Deserialize<T>(json);
                if (single is null) { error = "the body is JSON null"; return false; }
                records.Add(single);
                return true;
            }
            catch (Exception e) when (e is JsonException or NotSupportedException)
            {
                error = "bad JSON: " + e.Message;
                return false;
            }
        }

        private async Task<byte[]?> ReadLimitedAsync(HttpRequest request, CancellationToken ct)
        {
            if (request.ContentLength > settings.MaxBodyBytes) return null;
            using var ms = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await request.Body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                if (ms.Length + n > settings.MaxBodyBytes) return null;
                ms.Write(buffer, 0, n);
            }
            return ms.ToArray();
        }

        private async Task QuarantineAsync(long requestId, string where, string reason, string raw, CancellationToken ct)
        {
            Interlocked.Increment(ref _quarantined);
            await quarantine.QuarantineAsync(QuarantinedRecord.Create("http", $"request {requestId} {where}", reason, raw), ct).ConfigureAwait(false);
        }
    }
}
