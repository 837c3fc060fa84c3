using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Offsets;
using Pipeline.Streams.Quarantine;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Pipeline.Streams.Connectors.RabbitMq;

/// <summary>
/// A source per RabbitMQ stream queue (AMQP 0-9-1, RabbitMQ.Client 7): resumes after the offset committed in the
/// <see cref="IOffsetStore"/> (x-stream-offset), emits <see cref="CommittableRecord{T}"/>s to commit with
/// <see cref="Committer"/> after processing. Backpressure is the prefetch: at most <c>Prefetch</c> deliveries are
/// unacknowledged, and a delivery is acknowledged only when the downstream took it. A lost connection is retried
/// with backoff and resumes right after the last record emitted (those are in the pipeline already, so nothing is
/// lost or duplicated); a process restart resumes after the last committed offset. Records that do not deserialize
/// are quarantined with "stream offset N". A Kafka source would be one more implementation of the same shape.
/// </summary>
public static class RabbitStreamSource
{
    /// <summary>A source of records deserialized by <paramref name="deserialize"/> (which throws on malformed input).</summary>
    public static Source<CommittableRecord<T>, NotUsed> Create<T>(RabbitStreamSourceSettings settings, IOffsetStore offsets, Func<ReadOnlyMemory<byte>, T> deserialize, IQuarantine quarantine)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(deserialize);
        ArgumentNullException.ThrowIfNull(quarantine);
        return Source.FromAsyncEnumerable(ct => ConsumeAsync(settings, offsets, deserialize, quarantine, ct));
    }

    /// <summary>A source of JSON records.</summary>
    public static Source<CommittableRecord<T>, NotUsed> Json<T>(RabbitStreamSourceSettings settings, IOffsetStore offsets, IQuarantine quarantine, JsonSerializerOptions? json = null)
    {
        var options = json ?? JsonSerializerOptions.Web;
        return Create(settings, offsets, body => JsonSerializer.Deserialize<T>(body.Span, options) ?? throw new JsonException("the record is JSON null"), quarantine);
    }

    private sealed record Delivery(ulong Tag, long Offset, byte[] Body);

    private sealed class Session : IAsyncDisposable
    {
        public IConnection? Connection;
        public IChannel? Channel;
        public int Unacked;
        public readonly Channel<Delivery> Deliveries = System.Threading.Channels.Channel.CreateUnbounded<Delivery>(); // multi-reader variant: it supports Count

        public async ValueTask DisposeAsync()
        {
            try { if (Channel is not null) await Channel.DisposeAsync().ConfigureAwait(false); } catch (Exception) { /* the channel may be dead already */ }
            try { if (Connection is not null) await Connection.DisposeAsync().ConfigureAwait(false); } catch (Exception) { /* the connection may be dead already */ }
        }
    }

    private static async IAsyncEnumerable<CommittableRecord<T>> ConsumeAsync<T>(RabbitStreamSourceSettings settings, IOffsetStore offsets, Func<ReadOnlyMemory<byte>, T> deserialize,
        IQuarantine quarantine, [EnumeratorCancellation] CancellationToken ct)
    {
        var sourceId = settings.EffectiveSourceId;
        var committed = await offsets.LoadAsync(sourceId, ct).ConfigureAwait(false);
        long next = committed is { } c ? c + 1 : settings.StartOffset is long l ? l : -1;
        var failures = 0;
        Exception? lastError = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (failures > 0)
            {
                settings.Logger.LogWarning(lastError, "RabbitMQ stream source '{Stream}': connection attempt {Attempt} failed or was lost; reconnecting from offset {Offset}", settings.Stream, failures, next);
                if (settings.Reconnect.MaxRestarts is { } max && failures > max)
                    throw new IOException($"RabbitMQ stream source '{settings.Stream}': gave up after {failures} failed attempts.", lastError);
                await Task.Delay(settings.Reconnect.BackoffFor(failures - 1, Random.Shared.NextDouble()), ct).ConfigureAwait(false);
            }
            var session = new Session();
            try
            {
                lastError = await TryOpenAsync(session, settings, next >= 0 ? next : settings.StartOffset, ct).ConfigureAwait(false);
                if (lastError is not null)
                {
                    failures++;
                    continue;
                }
                while (true)
                {
                    var (delivery, error) = await TryReadAsync(session, ct).ConfigureAwait(false);
                    if (delivery is null)
                    {
                        lastError = error;
                        failures++;
                        break;
                    }
                    if (delivery.Offset < next)
                    {
                        // a stream consumer starts at the chunk holding the requested offset: skip what precedes it
                        if (await TryAckAsync(session, delivery, settings.Prefetch, ct).ConfigureAwait(false) is { } e) { lastError = e; failures++; break; }
                        continue;
                    }
                    failures = 0;
                    T value;
                    try { value = deserialize(delivery.Body); }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        await quarantine.QuarantineAsync(QuarantinedRecord.Create("rabbitmq:" + settings.Stream, $"stream {settings.Stream} offset {delivery.Offset}",
                            $"{e.GetType().Name}: {e.Message}", System.Text.Encoding.UTF8.GetString(delivery.Body)), ct).ConfigureAwait(false);
                        next = delivery.Offset + 1;
                        if (await TryAckAsync(session, delivery, settings.Prefetch, ct).ConfigureAwait(false) is { } ackError) { lastError = ackError; failures++; break; }
                        continue;
                    }
                    yield return new CommittableRecord<T>(sourceId, delivery.Offset, value);
                    next = delivery.Offset + 1;
                    if (await TryAckAsync(session, delivery, settings.Prefetch, ct).ConfigureAwait(false) is { } ackFailure) { lastError = ackFailure; failures++; break; }
                }
            }
            finally
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<Exception?> TryOpenAsync(Session session, RabbitStreamSourceSettings settings, object offset, CancellationToken ct)
    {
        try
        {
            var factory = new ConnectionFactory { Uri = settings.Uri, AutomaticRecoveryEnabled = false, ClientProvidedName = "pipeline-stream-source:" + settings.Stream };
            session.Connection = await factory.CreateConnectionAsync(ct).ConfigureAwait(false);
            session.Channel = await session.Connection.CreateChannelAsync(cancellationToken: ct).ConfigureAwait(false);
            if (settings.DeclareStream) await RabbitStreams.DeclareStreamAsync(session.Channel, settings.Stream, ct).ConfigureAwait(false);
            await session.Channel.BasicQosAsync(0, settings.Prefetch, false, ct).ConfigureAwait(false);
            var writer = session.Deliveries.Writer;
            var consumer = new AsyncEventingBasicConsumer(session.Channel);
            consumer.ReceivedAsync += (_, ea) =>
            {
                var headers = ea.BasicProperties.Headers;
                var off = headers is not null && headers.TryGetValue("x-stream-offset", out var o) && o is not null ? Convert.ToInt64(o, System.Globalization.CultureInfo.InvariantCulture) : -1;
                writer.TryWrite(new Delivery(ea.DeliveryTag, off, ea.Body.ToArray()));
                return Task.CompletedTask;
            };
            consumer.ShutdownAsync += (_, ea) =>
            {
                writer.TryComplete(new IOException($"RabbitMQ consumer of '{settings.Stream}' shut down: {ea.ReplyCode} {ea.ReplyText}"));
                return Task.CompletedTask;
            };
            session.Connection.ConnectionShutdownAsync += (_, ea) =>
            {
                writer.TryComplete(new IOException($"RabbitMQ connection lost: {ea.ReplyCode} {ea.ReplyText}"));
                return Task.CompletedTask;
            };
            var args = new Dictionary<string, object?> { ["x-stream-offset"] = offset };
            await session.Channel.BasicConsumeAsync(settings.Stream, autoAck: false, consumerTag: "", noLocal: false, exclusive: false, arguments: args, consumer: consumer, cancellationToken: ct).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return e;
        }
    }

    private static async Task<(Delivery? Delivery, Exception? Error)> TryReadAsync(Session session, CancellationToken ct)
    {
        try { return (await session.Deliveries.Reader.ReadAsync(ct).ConfigureAwait(false), null); }
        catch (Exception e) when (!ct.IsCancellationRequested) { return (null, e); }
    }

    /// <summary>
    /// Acknowledges deliveries up to <paramref name="delivery"/> (multiple) once a quarter of the prefetch is pending,
    /// or when no further delivery is buffered (so that the broker's credit never runs dry while we wait).
    /// </summary>
    private static async Task<Exception?> TryAckAsync(Session session, Delivery delivery, ushort prefetch, CancellationToken ct)
    {
        try
        {
            session.Unacked++;
            if (session.Unacked < Math.Max(1, prefetch / 4) && session.Deliveries.Reader.Count > 0) return null;
            session.Unacked = 0;
            await session.Channel!.BasicAckAsync(delivery.Tag, multiple: true, ct).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return e;
        }
    }
}
