using System.Net.Sockets;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Handshake;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Transport;

/// <summary>
/// One TCP (or TLS) connection to a peer: its frame reader, and once adopted by an association, a writer that
/// drains the association's queue in batches into pooled buffers, one socket write per batch.
/// </summary>
internal sealed class Connection : IFrameSink
{
    // how many times the writer looks for more work before it parks (SpinWait: short spins, then yields)
    private const int WriterSpinIterations = 20;
    private readonly Socket _socket;
    private readonly ClusterTransport _owner;
    private readonly TransportSettings _settings;
    private readonly CancellationTokenSource _stopWriting = new();
    private Task _writer = Task.CompletedTask;
    private Association? _association;
    private volatile bool _drainOnStop;
    private volatile SystemFrame? _farewell;
    private int _closed;
    private OutboundStringTable? _outboundStrings;
    private long _socketWrites;
    private long _framesWritten;

    public Connection(Socket socket, Stream stream, bool isOutbound, TransportSettings settings, ClusterTransport owner)
    {
        _socket = socket;
        Stream = stream;
        IsOutbound = isOutbound;
        _settings = settings;
        _owner = owner;
        Reader = new FrameReader(stream, Math.Min(settings.MaxFrameSize, WireFormat.HandshakeMaxFrameSize), settings.StringTableCapacity);
    }

    public Stream Stream { get; }

    public FrameReader Reader { get; }

    /// <summary>True when this node dialled the connection.</summary>
    public bool IsOutbound { get; }

    /// <summary>The peer's incarnation, known after the handshake.</summary>
    public UniqueAddress Remote { get; set; }

    /// <summary>The association this connection reports to (set when the handshake completes).</summary>
    public void Attach(Association association) => _association = association;

    /// <summary>Starts draining <paramref name="queue"/> onto the socket once <paramref name="after"/> completes.</summary>
    public void StartWriter(OutboundQueue queue, Task after) => _writer = Task.Run(async () =>
    {
        await after.ConfigureAwait(false);
        await WriteLoopAsync(queue, _stopWriting.Token).ConfigureAwait(false);
    });

    /// <summary>
    /// Stops the writer, then half-closes so the peer's reader ends cleanly. By default it sends only what it
    /// already took (another connection takes over the queue); <paramref name="drainQueue"/> sends everything
    /// still queued first, and <paramref name="farewell"/> is written last (a Disconnect on shutdown).
    /// </summary>
    public async Task RetireAsync(bool drainQueue = false, SystemFrame? farewell = null)
    {
        _drainOnStop = drainQueue;
        _farewell = farewell;
        await _stopWriting.CancelAsync().ConfigureAwait(false);
        await _writer.ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // already closed by the peer
        }
    }

    /// <summary>Closes the socket at once (reader and writer fail and end).</summary>
    public async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        await _stopWriting.CancelAsync().ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // the peer closed first
        }
        _socket.Dispose();
        await _writer.ConfigureAwait(false);
        await Stream.DisposeAsync().ConfigureAwait(false);
    }

    public void OnEnvelope(in InboundEnvelope envelope)
    {
        if (_owner.IsBlackholed) return;
        _owner.Handler.OnEnvelope(Remote, envelope);
    }

    public void OnSystemFrame(SystemFrame frame)
    {
        if (_owner.IsBlackholed) return;
        switch (frame.BodyCase)
        {
            case SystemFrame.BodyOneofCase.Heartbeat:
                _association?.Queue.EnqueueSystem(new SystemFrame
                {
                    HeartbeatResponse = new HeartbeatResponse
                    {
                        Sequence = frame.Heartbeat.Sequence,
                        SentAtTicks = frame.Heartbeat.SentAtTicks,
                        From = HandshakeProtocol.ToProto(_owner.LocalAddress),
                    },
                });
                break;
            case SystemFrame.BodyOneofCase.Hello or SystemFrame.BodyOneofCase.Challenge or SystemFrame.BodyOneofCase.Proof
                or SystemFrame.BodyOneofCase.Accepted or SystemFrame.BodyOneofCase.Refused:
                throw new WireProtocolException($"Handshake frame {frame.BodyCase} after the handshake completed.");
            default:
                _owner.Handler.OnSystemFrame(Remote, frame);
                break;
        }
    }

    /// <summary>Socket writes issued so far (with <see cref="FramesWritten"/>: how well writes are batched).</summary>
    public long SocketWrites => Interlocked.Read(ref _socketWrites);

    /// <summary>Strings this connection's writer has indexed so far (tests check what gets indexed).</summary>
    public int OutboundStrings => _outboundStrings?.Count ?? 0;

    /// <summary>Frames encoded so far.</summary>
    public long FramesWritten => Interlocked.Read(ref _framesWritten);

    private async ValueTask WriteAsync(FrameBuffer buffer)
    {
        await Stream.WriteAsync(buffer.Written, CancellationToken.None).ConfigureAwait(false);
        buffer.Reset();
        Interlocked.Increment(ref _socketWrites);
    }

    private void EncodeSystem(FrameBuffer buffer, SystemFrame[] systems, int systemCount, int maxFrame)
    {
        for (var i = 0; i < systemCount; i++) buffer.WriteSystem(systems[i], maxFrame);
        Array.Clear(systems, 0, systemCount);
        Interlocked.Add(ref _framesWritten, systemCount);
    }

    /// <summary>
    /// Encodes taken user messages in place (oldest first, removing each) until none is left (false) or the buffer
    /// reached <paramref name="threshold"/> bytes (true: write it, then call again).
    /// </summary>
    private bool EncodeUsers(FrameBuffer buffer, OutboundStringTable strings, RingBuffer<OutboundMessage> taken, int maxFrame, int threshold)
    {
        var encoded = 0;
        try
        {
            while (taken.Count > 0)
            {
                ref readonly var message = ref taken.Oldest;
                if (message.Serializer is not { } serializer)
                {
                    buffer.WriteEnvelope(message, strings, maxFrame);
                }
                else if (buffer.TryWriteSerializedEnvelope(message, strings, maxFrame) is { } error)
                {
                    // this message alone is refused (its sender learns through the serializer); the connection goes on
                    try
                    {
                        serializer.OnSendFailed(message, error);
                    }
                    catch (Exception callbackError) when (callbackError is not OutOfMemoryException)
                    {
                        // a failing report must not take the connection down
                    }
                }
                taken.RemoveOldest();
                encoded++;
                if (buffer.Length >= threshold) return taken.Count > 0;
            }
            return false;
        }
        finally
        {
            Interlocked.Add(ref _framesWritten, encoded);
        }
    }

    /// <summary>Spins (yielding the core after the first rounds) until something is queued or the spin limit is reached.</summary>
    private static void SpinForWork(OutboundQueue queue)
    {
        var spinner = default(SpinWait);
        for (var i = 0; i < WriterSpinIterations; i++)
        {
            if (queue.HasWorkHint) return;
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    private async Task WriteLoopAsync(OutboundQueue queue, CancellationToken stop)
    {
        using var buffer = new FrameBuffer(Math.Max(64 * 1024, _settings.FlushThresholdBytes * 2));
        var strings = _outboundStrings = new OutboundStringTable(_settings.StringTableCapacity);
        var systems = new SystemFrame[64];
        var threshold = _settings.FlushThresholdBytes;
        var maxFrame = _settings.MaxFrameSize;
        var linger = _settings.FlushDelay;
        using var wake = stop.Register(static state => ((OutboundQueue)state!).WakeWriter(), queue);
        try
        {
            while (true)
            {
                // no allocation per wait beyond the queue's signal: stopping wakes the writer through the registration;
                // a stop that came before the wait existed is seen here (the token is set before it wakes anyone)
                // between bursts, look again for a moment before parking: a writer that parks costs a wake-up (a
                // thread-pool work item and often a thread switch) on the next send, which under a steady stream
                // comes within microseconds
                if (!stop.IsCancellationRequested) SpinForWork(queue);
                var wait = queue.WaitAsync(CancellationToken.None);
                if (!wait.IsCompleted && stop.IsCancellationRequested) break;
                await wait.ConfigureAwait(false);
                if (stop.IsCancellationRequested) break;
                var lingered = false;
                while (true)
                {
                    var systemCount = queue.DrainSystem(systems);
                    var taken = queue.TakeUsers();
                    if (systemCount == 0 && taken is null)
                    {
                        // optionally wait a moment for more messages to share this socket write
                        if (lingered || linger <= TimeSpan.Zero || buffer.Length == 0 || buffer.Length >= threshold) break;
                        lingered = true;
                        await Task.Delay(linger, CancellationToken.None).ConfigureAwait(false);
                        continue;
                    }
                    EncodeSystem(buffer, systems, systemCount, maxFrame);
                    if (taken is not null)
                    {
                        // encode in place, one socket write per threshold's worth
                        while (EncodeUsers(buffer, strings, taken, maxFrame, threshold))
                            await WriteAsync(buffer).ConfigureAwait(false);
                        queue.ReturnUsers(taken);
                    }
                    if (buffer.Length >= threshold) await WriteAsync(buffer).ConfigureAwait(false);
                    if (stop.IsCancellationRequested) break;
                }
                if (buffer.Length > 0)
                {
                    await WriteAsync(buffer).ConfigureAwait(false);
                    await Stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            // stopped: on a graceful shutdown send what is still queued, then the farewell frame
            while (_drainOnStop)
            {
                var systemCount = queue.DrainSystem(systems);
                var taken = queue.TakeUsers();
                if (systemCount == 0 && taken is null) break;
                EncodeSystem(buffer, systems, systemCount, maxFrame);
                if (taken is not null)
                {
                    while (EncodeUsers(buffer, strings, taken, maxFrame, threshold))
                        await WriteAsync(buffer).ConfigureAwait(false);
                    queue.ReturnUsers(taken);
                }
                await WriteAsync(buffer).ConfigureAwait(false);
            }
            if (_farewell is { } farewell) buffer.WriteSystem(farewell, maxFrame);
            if (buffer.Length > 0) await Stream.WriteAsync(buffer.Written, CancellationToken.None).ConfigureAwait(false);
            await Stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or ArgumentException)
        {
            _owner.OnWriterFailed(this, ex);
        }
    }
}
