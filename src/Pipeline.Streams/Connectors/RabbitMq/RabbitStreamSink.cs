using System.Text.Json;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;
using Pipeline.Streams.Stages;
using RabbitMQ.Client;

namespace Pipeline.Streams.Connectors.RabbitMq;

/// <summary>
/// A sink that publishes to a stream queue with publisher confirms: a batch (up to BatchSize, or what arrived
/// within BatchInterval) is published at once and its confirms awaited together; the next batch is pulled while
/// one is in flight, up to one batch ahead. The task completes when every element is confirmed, and fails on a
/// nack or a lost connection (the unconfirmed batch may or may not be stored: at-least-once on retry).
/// </summary>
public static class RabbitStreamSink
{
    /// <summary>A sink of raw message bodies.</summary>
    public static Sink<ReadOnlyMemory<byte>, Task> Create(RabbitStreamSinkSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var stream = settings.Stream;
        return Flow.Create<ReadOnlyMemory<byte>>().Select(body => new RabbitOutgoing(stream, body))
            .ToMat(Publisher(settings, exchange: "", settings.DeclareStream ? (channel, ct) => RabbitStreams.DeclareStreamAsync(channel, stream, ct) : null), Keep.Right);
    }

    /// <summary>The publishing stage: to <paramref name="exchange"/> ("" is the default exchange: routing key = queue).</summary>
    internal static Sink<RabbitOutgoing, Task> Publisher(RabbitStreamSinkSettings settings, string exchange, Func<IChannel, CancellationToken, Task>? declare)
    {
        if (settings.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(settings), settings.BatchSize, "RabbitStreamSinkSettings.BatchSize must be at least 1.");
        return Sink.FromGraph<RabbitOutgoing, Task>(new PublishStage(settings, exchange, declare));
    }

    /// <summary>A sink of records serialized as JSON.</summary>
    public static Sink<T, Task> Json<T>(RabbitStreamSinkSettings settings, JsonSerializerOptions? json = null)
    {
        var options = json ?? JsonSerializerOptions.Web;
        return Flow.Create<T>().Select(r => (ReadOnlyMemory<byte>)JsonSerializer.SerializeToUtf8Bytes(r, options)).ToMat(Create(settings), Keep.Right);
    }

    private sealed class PublishStage(RabbitStreamSinkSettings settings, string exchange, Func<IChannel, CancellationToken, Task>? declare)
        : SinkStage<RabbitOutgoing, Task>("rabbitmq-stream-sink")
    {
        internal RabbitStreamSinkSettings Settings { get; } = settings;
        internal string Exchange { get; } = exchange;
        internal Func<IChannel, CancellationToken, Task>? Declare { get; } = declare;

        public override (GraphStageLogic Logic, Task Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
        {
            var logic = new Logic(this);
            return (logic, logic.Promise.Task);
        }

        private sealed class Logic : TaskSinkLogic<RabbitOutgoing, bool>
        {
            private readonly RabbitStreamSinkSettings _settings;
            private readonly AsyncCallback<Exception?> _onPublished;
            private readonly AsyncCallback<IChannel> _onConnected;
            private readonly string _exchange;
            private readonly Func<IChannel, CancellationToken, Task>? _declare;
            private List<RabbitOutgoing> _batch;
            private IConnection? _connection;
            private IChannel? _channel;
            private bool _publishing;
            private readonly CancellationTokenSource _cts = new();

            public Logic(PublishStage s) : base(s.In)
            {
                _settings = s.Settings;
                _exchange = s.Exchange;
                _declare = s.Declare;
                _batch = new List<RabbitOutgoing>(_settings.BatchSize);
                _onPublished = GetAsyncCallback<Exception?>(Published);
                _onConnected = GetAsyncCallback<IChannel>(c =>
                {
                    _channel = c;
                    if (IsClosed(In) && _batch.Count == 0)
                    {
                        Promise.TrySetResult(true);
                        CompleteStage();
                    }
                    else MaybePublish(force: IsClosed(In));
                });
            }

            protected internal override void PreStart()
            {
                SetKeepGoing(true);
                _ = ConnectAsync();
                ScheduleRepeatedly("flush", _settings.BatchInterval, _settings.BatchInterval);
                Pull(In);
            }

            private async Task ConnectAsync()
            {
                try
                {
                    var factory = new ConnectionFactory { Uri = _settings.Uri, AutomaticRecoveryEnabled = false, ClientProvidedName = "pipeline-stream-sink:" + _settings.Stream };
                    _connection = await factory.CreateConnectionAsync(_cts.Token).ConfigureAwait(false);
                    var channel = await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), _cts.Token).ConfigureAwait(false);
                    if (_declare is not null) await _declare(channel, _cts.Token).ConfigureAwait(false);
                    _onConnected.Invoke(channel);
                }
                catch (Exception e)
                {
                    _onPublished.Invoke(new IOException($"RabbitMQ stream sink: cannot connect to {_settings.Uri.Host}:{_settings.Uri.Port} for stream '{_settings.Stream}': {e.Message}", e));
                }
            }

            public override void OnPush()
            {
                _batch.Add(Grab(In));
                if (_batch.Count >= _settings.BatchSize) MaybePublish(force: true);
                if (_batch.Count < _settings.BatchSize && !HasBeenPulled(In) && !IsClosed(In)) Pull(In);
            }

            protected internal override void OnTimer(object timerKey) => MaybePublish(force: true);

            private void MaybePublish(bool force)
            {
                if (_publishing || _channel is null || _batch.Count == 0) return;
                if (!force && _batch.Count < _settings.BatchSize && !IsClosed(In)) return;
                var batch = _batch;
                _batch = new List<RabbitOutgoing>(_settings.BatchSize);
                _publishing = true;
                _ = PublishAsync(_channel, batch);
                if (!IsClosed(In) && !HasBeenPulled(In)) Pull(In);
            }

            private async Task PublishAsync(IChannel channel, List<RabbitOutgoing> batch)
            {
                try
                {
                    var pending = new ValueTask[batch.Count];
                    var props = new BasicProperties { DeliveryMode = DeliveryModes.Persistent };
                    for (var i = 0; i < batch.Count; i++)
                        pending[i] = channel.BasicPublishAsync(_exchange, batch[i].RoutingKey, mandatory: false, props, batch[i].Body, _cts.Token);
                    foreach (var p in pending) await p.ConfigureAwait(false);
                    _onPublished.Invoke(null);
                }
                catch (Exception e)
                {
                    _onPublished.Invoke(e);
                }
            }

            private void Published(Exception? error)
            {
                _publishing = false;
                if (error is not null)
                {
                    Promise.TrySetException(error);
                    FailStage(error);
                    return;
                }
                if (IsClosed(In) && _batch.Count == 0)
                {
                    Promise.TrySetResult(true);
                    CompleteStage();
                    return;
                }
                MaybePublish(force: IsClosed(In));
                if (!IsClosed(In) && !HasBeenPulled(In) && _batch.Count < _settings.BatchSize) Pull(In);
            }

            public override void OnUpstreamFinish()
            {
                if (_batch.Count == 0 && !_publishing && _channel is not null)
                {
                    Promise.TrySetResult(true);
                    CompleteStage();
                }
                else MaybePublish(force: true);
            }

            protected override bool Result() => true;

            protected internal override void PostStop()
            {
                _cts.Cancel();
                var channel = _channel;
                var connection = _connection;
                _ = Task.Run(async () =>
                {
                    try { if (channel is not null) await channel.DisposeAsync().ConfigureAwait(false); } catch (Exception) { /* closing a dead channel */ }
                    try { if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false); } catch (Exception) { /* closing a dead connection */ }
                    _cts.Dispose();
                });
                base.PostStop();
            }
        }
    }
}
