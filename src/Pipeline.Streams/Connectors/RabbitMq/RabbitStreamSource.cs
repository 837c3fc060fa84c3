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

    /// <summary>A delivery copied out of the client's buffer into a pooled array (returned once deserialized).</summary>
    private readonly record struct Delivery(ulong Tag, long Offset, byte[] Body, int Length)
    {
        public ReadOnlyMemory<byte> Memory => new(Body, 0, Length);

        public void Return() => System.Buffers.ArrayPool<byte>.Shared.Return(Body);
    }

    private sealed class Session : IAsyncDisposable
    {
        public IConnection? Connection;
        public IChannel? Channel;
        public int Unacked;
        public ulong LastTag;
        public readonly Channel<Delivery> Deliveries = System.Threading.Channels.Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });

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
        var quarantineSource = "rabbitmq:" + settings.Stream;
        var ackEvery = Math.Max(1, settings.Prefetch / 4);
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
                var reader = session.Deliveries.Reader;
                while (true)
                {
                    if (!reader.TryRead(out var delivery))
                    {
                        // nothing buffered: wait. No ack is needed first: at most a quarter of the prefetch is ever
                        // unacknowledged, so the broker always holds credit to send more (an ack here would cost a
                        // socket write per wake-up)
                        lastError = await TryWaitAsync(reader, ct).ConfigureAwait(false);
                        if (lastError is not null) { failures++; break; }
                        continue;
                    }
                    session.Unacked++;
                    session.LastTag = delivery.Tag;
                    if (delivery.Offset >= next)
                    {
                        failures = 0;
                        T value;
                        var ok = true;
                        try { value = deserialize(delivery.Memory); }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            value = default!;
                            ok = false;
                            await quarantine.QuarantineAsync(QuarantinedRecord.Create(quarantineSource, $"stream {settings.Stream} offset {delivery.Offset}",
                                $"{e.GetType().Name}: {e.Message}", System.Text.Encoding.UTF8.GetString(delivery.Memory.Span)), ct).ConfigureAwait(false);
                        }
                        delivery.Return();
                        next = delivery.Offset + 1;
                        if (ok) yield return new CommittableRecord<T>(sourceId, delivery.Offset, value);
                    }
                    else
                    {
                        // a stream consumer starts at the chunk holding the requested offset: skip what precedes it
                        delivery.Return();
                    }
                    if (session.Unacked >= ackEvery && await TryAckAsync(session, ct).ConfigureAwait(false) is { } ackError) { lastError = ackError; failures++; break; }
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
                var body = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(1, ea.Body.Length));
                ea.Body.Span.CopyTo(body);
                writer.TryWrite(new Delivery(ea.DeliveryTag, off, body, ea.Body.Length));
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

    /// <summary>Waits for the next delivery; the error that ended the session when there will be none.</summary>
    private static async ValueTask<Exception?> TryWaitAsync(ChannelReader<Delivery> reader, CancellationToken ct)
    {
        try { return await reader.WaitToReadAsync(ct).ConfigureAwait(false) ? null : new IOException("RabbitMQ stream source: the delivery channel closed."); }
        catch (Exception e) when (!ct.IsCancellationRequested) { return e; }
    }

    /// <summary>
    /// Acknowledges every delivery taken so far with one multiple-ack, once a quarter of the prefetch is pending: the
    /// broker keeps at least three quarters of its credit at any time, and acks cost one frame per quarter.
    /// </summary>
    private static async ValueTask<Exception?> TryAckAsync(Session session, CancellationToken ct)
    {
        if (session.Unacked == 0) return null;
        try
        {
            session.Unacked = 0;
            await session.Channel!.BasicAckAsync(session.LastTag, multiple: true, ct).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return e;
        }
    }
}
