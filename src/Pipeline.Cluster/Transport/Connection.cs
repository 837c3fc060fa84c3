using System.Net.Sockets;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Handshake;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Dispatch;

namespace Pipeline.Cluster.Transport;

/// <summary>
/// One TCP (or TLS) connection to a peer: its frame reader, and once adopted by an association, the drainer of
/// the association's queue, encoding batches into one pooled buffer, one socket write per batch.
/// <para>
/// Threading: the reading task decodes a whole read, delivers it (claiming idle local actors' turns), runs those
/// turns itself, and then writes what they queued for this peer in the same pass, so that under a steady
/// exchange one thread per connection reads, runs the actors and writes, without waking any other. Messages
/// queued from other threads start a drain on the thread pool, which spins briefly for more before it stops.
/// A write that cannot complete at once is awaited off the reading task (the reader never waits for the
/// peer to read, so two nodes cannot deadlock writing to each other).
/// </para>
/// </summary>
internal sealed class Connection : IFrameSink, IOutboundDrainer
{
    // how many times a drain looks for more work before it stops (SpinWait: short spins, then yields)
    private const int DrainSpinIterations = 20;
    // rounds of queued work a reader writes inline before it hands the rest to a drain on the thread pool
    private const int InlineDrainRounds = 4;
    private readonly Socket _socket;
    private readonly ClusterTransport _owner;
    private readonly TransportSettings _settings;
    private InlineTurnBatch _turns;
    private long _retiredTurns;
    private readonly SemaphoreSlim _finalWrites = new(1, 1);
    private readonly FrameBuffer _buffer;
    private readonly OutboundStringTable _strings;
    private readonly SystemFrame[] _systems = new SystemFrame[64];
    private RingBuffer<OutboundMessage>? _taken;
    private OutboundQueue? _queue;
    private Association? _association;
    private int _closed;
    private volatile bool _retiring;
    private bool _bufferReleased;
    private long _socketWrites;
    private long _bytesWritten;
    private long _framesWritten;
    // frames encoded by TryWriteDirect (written by the reader only)
    private long _directFrames;
    private const int DirectClosed = 0;
    private const int DirectOpen = 1;
    private const int DirectDisabled = 2;
    private int _directState;
    // 1 while the reader encodes a direct frame: written by the reader alone, without a locked instruction (see EndDirectWrites)
    private int _directEncoding;
    // the reading thread while its direct writes are open (compared by reference: cheaper than the thread's id)
    private Thread? _directThread;

    public Connection(Socket socket, Stream stream, bool isOutbound, TransportSettings settings, ClusterTransport owner)
    {
        _socket = socket;
        Stream = stream;
        IsOutbound = isOutbound;
        _settings = settings;
        _owner = owner;
        Reader = new FrameReader(stream, Math.Min(settings.MaxFrameSize, WireFormat.HandshakeMaxFrameSize), settings.StringTableCapacity, settings.ReadBufferBytes);
        _turns = new InlineTurnBatch(settings.InlineTurnBudget);
        _buffer = new FrameBuffer(Math.Max(64 * 1024, settings.FlushThresholdBytes * 2));
        _strings = new OutboundStringTable(settings.StringTableCapacity);
    }

    public Stream Stream { get; }

    public FrameReader Reader { get; }

    /// <summary>True when this node dialled the connection.</summary>
    public bool IsOutbound { get; }

    /// <summary>The peer's incarnation, known after the handshake.</summary>
    public UniqueAddress Remote { get; set; }

    /// <summary>The association this connection reports to (set when the handshake completes).</summary>
    public void Attach(Association association) => _association = association;

    /// <summary>The association this connection reports to, once the handshake completed.</summary>
    public Association? Association => _association;

    /// <summary>Starts draining <paramref name="queue"/> onto the socket once <paramref name="after"/> completes.</summary>
    public void StartWriter(OutboundQueue queue, Task after)
    {
        _queue = queue;
        if (after.IsCompletedSuccessfully) queue.Attach(this);
        else _ = AttachAfterAsync(queue, after);
    }

    private async Task AttachAfterAsync(OutboundQueue queue, Task after)
    {
        try
        {
            await after.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // the previous connection failed while retiring: its queue is free all the same
        }
        if (Volatile.Read(ref _closed) != 0 || _retiring) return;
        try
        {
            queue.Attach(this);
        }
        catch (InvalidOperationException ex)
        {
            _owner.OnWriterFailed(this, ex);
        }
    }

    /// <summary>
    /// Stops writing, then half-closes so the peer's reader ends cleanly. By default it sends only what it
    /// already took (another connection takes over the queue); <paramref name="drainQueue"/> sends everything
    /// still queued first, and <paramref name="farewell"/> is written last (a Disconnect on shutdown).
    /// </summary>
    public async Task RetireAsync(bool drainQueue = false, SystemFrame? farewell = null)
    {
        _retiring = true;
        DisableDirectWrites();
        if (_queue is { } queue) await queue.DetachAsync(this).ConfigureAwait(false);
        await _finalWrites.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_bufferReleased) return;
            while (drainQueue && _queue is { } q && q.HasWorkHint)
            {
                var pending = Pump(holdPartial: false);
                if (!pending.IsCompleted) await AwaitWriteAsync(pending).ConfigureAwait(false);
                else pending.GetAwaiter().GetResult();
            }
            // frames a reader encoded straight into the buffer before the retirement belong to what was taken: they go out
            if (farewell is not null) _buffer.WriteSystem(farewell, _settings.MaxFrameSize);
            if (_buffer.Length > 0) await AwaitWriteAsync(StartWrite()).ConfigureAwait(false);
            await Stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or ArgumentException)
        {
            // already closed by the peer
        }
        finally
        {
            _finalWrites.Release();
        }
    }

    /// <summary>Closes the socket at once (reader and writes fail and end).</summary>
    public async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        DisableDirectWrites();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // the peer closed first
        }
        _socket.Dispose();
        // a drain in progress fails on the closed socket and lets go of the queue
        if (_queue is { } queue) await queue.DetachAsync(this).ConfigureAwait(false);
        await _finalWrites.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_bufferReleased)
            {
                _bufferReleased = true;
                _buffer.Dispose();
            }
        }
        finally
        {
            _finalWrites.Release();
        }
        await Stream.DisposeAsync().ConfigureAwait(false);
    }

    public void OnEnvelope(in InboundEnvelope envelope)
    {
        if (_owner.IsBlackholed) return;
        _owner.Handler.OnEnvelope(Remote, envelope, _turns);
    }

    public void OnEnvelopeRun(ref InboundEnvelopeRun run)
    {
        if (_owner.IsBlackholed) return;
        _owner.Handler.OnEnvelopeRun(Remote, ref run, _turns);
    }

    /// <summary>
    /// After a read: runs the turns of the actors it woke, then writes what they queued for this peer from this
    /// thread (a drain reserved before the turns, so their sends wake nobody). False when a turn held this
    /// thread so long that another task took over reading (<see cref="TryTakeOverStuckReader"/>).
    /// </summary>
    public bool OnReadCompleted()
    {
        var turns = _turns;
        if (turns.Count == 0) return true;
        var queue = _queue;
        var reserved = queue is not null && queue.TryReserve(this);
        if (reserved) OpenDirectWrites();
        var ran = turns.Run();
        if (reserved)
        {
            CloseDirectWrites();
            _directThread = null;
        }
        // abandoned: the guard closed the direct writes and released the reservation itself
        if (!ran) return false;
        if (reserved && queue!.TryClaimReservation(this)) DrainInline(queue);
        return true;
    }

    /// <summary>
    /// While this connection's reader holds the reserved drain and runs the actors' turns, a message those turns send
    /// to this peer is encoded straight into the frame buffer (no queue entry, no lock), as long as nothing else is
    /// queued before it (which keeps every sender's order) and the buffer is below the flush threshold. The reader
    /// writes the buffer after the turns. False: queue the message as usual.
    /// </summary>
    internal bool TryWriteDirect(in OutboundMessage message)
    {
        if (!ReferenceEquals(_directThread, Thread.CurrentThread) || _directEncoding != 0) return false;
        if (Volatile.Read(ref _directState) != DirectOpen) return false;
        // announce the encoding, then look again: another thread that closes the direct writes stores its state
        // and then issues a process-wide barrier before it reads this flag (EndDirectWrites), so either it sees
        // the flag and waits, or this thread sees the closed state; the hot path needs no locked instruction (a
        // volatile write, so that the compiler keeps it before the read below; the store may still wait in this
        // core's store buffer, which the other side's barrier drains)
        Volatile.Write(ref _directEncoding, 1);
        try
        {
            if (Volatile.Read(ref _directState) != DirectOpen) return false;
            if (_buffer.Length >= _settings.FlushThresholdBytes || _queue!.HasWorkHint) return false;
            if (message.Serializer is not { } serializer)
            {
                _buffer.WriteEnvelope(message, _strings, _settings.MaxFrameSize);
            }
            else if (_buffer.TryWriteSerializedEnvelope(message, _strings, _settings.MaxFrameSize) is { } error)
            {
                ReportSendFailure(serializer, message, error);
            }
            _directFrames++;
            return true;
        }
        finally
        {
            Volatile.Write(ref _directEncoding, 0);
        }
    }

    private void OpenDirectWrites()
    {
        _directThread = Thread.CurrentThread;
        // not once the connection retires or closes (DirectDisabled)
        Interlocked.CompareExchange(ref _directState, DirectOpen, DirectClosed);
    }

    /// <summary>Ends direct writes, waiting out one in progress (it takes a few hundred nanoseconds).</summary>
    private void CloseDirectWrites() => EndDirectWrites(DirectClosed);

    /// <summary>Ends direct writes for good (the connection retires or closes and its buffer is used for the last writes).</summary>
    private void DisableDirectWrites() => EndDirectWrites(DirectDisabled);

    private void EndDirectWrites(int next)
    {
        while (true)
        {
            var state = Volatile.Read(ref _directState);
            if (state == DirectDisabled) break;
            if (Interlocked.CompareExchange(ref _directState, next, state) == state) break;
        }
        // the reading thread itself is never inside an encoding when it gets here
        if (ReferenceEquals(_directThread, Thread.CurrentThread)) return;
        // another thread (the stuck-reader guard, a retirement, a close): after this barrier the reader either
        // sees the new state before it encodes, or its encoding flag is visible here; wait that encoding out
        Interlocked.MemoryBarrierProcessWide();
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _directEncoding) != 0) spinner.SpinOnce(sleep1Threshold: -1);
    }

    /// <summary>Frames the readers' turns encoded straight into the frame buffer so far (see <see cref="TryWriteDirect"/>).</summary>
    public long DirectFrames => Volatile.Read(ref _directFrames);

    /// <summary>Actor turns this connection's readers ran on their own thread so far.</summary>
    public long InlineTurns => _retiredTurns + _turns.TurnsRun;

    /// <summary>
    /// Called by the transport's guard: when an actor's turn has held the reading thread longer than
    /// <paramref name="stall"/>, the actors still waiting in that read's batch go to their dispatchers, the
    /// reserved drain is released, and the caller starts a new reading task (true). The stuck thread stops
    /// reading when its turn returns. The actor that held it is returned for the log.
    /// </summary>
    public bool TryTakeOverStuckReader(TimeSpan stall, out ActorPath? stuckActor)
    {
        var turns = _turns;
        stuckActor = turns.CurrentActor;
        if (!turns.TryAbandon(stall)) return false;
        _retiredTurns += turns.TurnsRun;
        _turns = new InlineTurnBatch(_settings.InlineTurnBudget);
        CloseDirectWrites();
        // frames the stuck turns already encoded go out with the next drain, before anything queued after them
        if (_queue is { } queue && !queue.RevokeReservation(this, startDrain: _buffer.Length > 0) && _buffer.Length > 0) queue.RequestDrain(this);
        return true;
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

    /// <summary>Bytes handed to socket writes so far.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Strings this connection's writer has indexed so far (tests check what gets indexed).</summary>
    public int OutboundStrings => _strings.Count;

    /// <summary>Socket writes that had to wait for room in the send buffer (with <see cref="DescriptorStream"/>; 0 otherwise).</summary>
    public long DeferredWrites => (Stream as DescriptorStream)?.DeferredWrites ?? 0;

    /// <summary>User messages and system frames encoded so far (messages of an envelope run counted one by one).</summary>
    public long FramesWritten => Interlocked.Read(ref _framesWritten) + Volatile.Read(ref _directFrames);

    /// <summary>Starts a drain on the thread pool (the queue calls this when work arrives and nobody drains).</summary>
    public void ScheduleDrain() =>
        ThreadPool.UnsafeQueueUserWorkItem(static connection => _ = connection.DrainAsync(default, writePending: false), this, preferLocal: false);

    private void EncodeSystem(int systemCount, int maxFrame)
    {
        for (var i = 0; i < systemCount; i++) _buffer.WriteSystem(_systems[i], maxFrame);
        Array.Clear(_systems, 0, systemCount);
        Interlocked.Add(ref _framesWritten, systemCount);
    }

    /// <summary>
    /// Encodes taken user messages in place (oldest first, removing each) until none is left (false) or the buffer
    /// reached <paramref name="threshold"/> bytes (true: write it, then call again).
    /// </summary>
    private bool EncodeUsers(RingBuffer<OutboundMessage> taken, int maxFrame, int threshold)
    {
        var encoded = 0;
        var buffer = _buffer;
        try
        {
            while (taken.Count > 0)
            {
                ref readonly var message = ref taken.Oldest;
                if (message.Serializer is not { } serializer)
                {
                    buffer.WriteEnvelope(message, _strings, maxFrame);
                }
                else if (buffer.TryWriteSerializedEnvelope(message, _strings, maxFrame) is { } error)
                {
                    ReportSendFailure(serializer, message, error);
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

    /// <summary>One message is refused (its sender learns through the serializer); the connection goes on.</summary>
    private static void ReportSendFailure(IOutboundSerializer serializer, in OutboundMessage message, Exception error)
    {
        try
        {
            serializer.OnSendFailed(message, error);
        }
        catch (Exception callbackError) when (callbackError is not OutOfMemoryException)
        {
            // a failing report must not take the connection down
        }
    }

    private ValueTask StartWrite()
    {
        Interlocked.Increment(ref _socketWrites);
        Interlocked.Add(ref _bytesWritten, _buffer.Length);
        return Stream.WriteAsync(_buffer.Written, CancellationToken.None);
    }

    private async ValueTask AwaitWriteAsync(ValueTask write)
    {
        await write.ConfigureAwait(false);
        _buffer.Reset();
    }

    /// <summary>
    /// Moves queued frames into the buffer and onto the socket until the queue is found empty and the buffer is
    /// written (a completed result), or a write cannot complete at once (returned pending: the caller awaits it,
    /// resets the buffer, and calls again). With <paramref name="holdPartial"/>, a last buffer below the flush
    /// threshold is left unwritten (the caller lingers for more).
    /// </summary>
    private ValueTask Pump(bool holdPartial)
    {
        var queue = _queue!;
        var threshold = _settings.FlushThresholdBytes;
        var maxFrame = _settings.MaxFrameSize;
        while (true)
        {
            var systemCount = queue.DrainSystem(_systems);
            if (systemCount > 0) EncodeSystem(systemCount, maxFrame);
            var taken = _taken ??= queue.TakeUsers();
            if (taken is not null)
            {
                var more = EncodeUsers(taken, maxFrame, threshold);
                if (!more)
                {
                    _taken = null;
                    queue.ReturnUsers(taken);
                }
            }
            else if (systemCount == 0)
            {
                // nothing queued any more: write what is buffered
                if (_buffer.Length == 0 || holdPartial) return default;
                var last = StartWrite();
                if (!last.IsCompleted) return last;
                last.GetAwaiter().GetResult();
                _buffer.Reset();
                return default;
            }
            if (_buffer.Length < threshold) continue;
            var write = StartWrite();
            if (!write.IsCompleted) return write;
            write.GetAwaiter().GetResult();
            _buffer.Reset();
        }
    }

    /// <summary>Drains on the reading thread; a write that cannot complete at once, or a queue that keeps filling, goes on in <see cref="DrainAsync"/>.</summary>
    private void DrainInline(OutboundQueue queue)
    {
        try
        {
            for (var round = 1; ; round++)
            {
                var pending = Pump(holdPartial: false);
                if (!pending.IsCompleted)
                {
                    _ = DrainAsync(pending, writePending: true);
                    return;
                }
                pending.GetAwaiter().GetResult();
                if (!queue.ContinueDraining(this)) return;
                if (round == InlineDrainRounds)
                {
                    // other threads keep queueing for this peer: let a pool thread go on while this one reads
                    ScheduleDrain();
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or ArgumentException)
        {
            Fail(ex);
        }
    }

    private async Task DrainAsync(ValueTask first, bool writePending)
    {
        var queue = _queue!;
        var linger = _settings.FlushDelay;
        var lingered = false;
        try
        {
            if (writePending) await AwaitWriteAsync(first).ConfigureAwait(false);
            while (true)
            {
                var pending = Pump(holdPartial: linger > TimeSpan.Zero && !lingered);
                if (!pending.IsCompleted)
                {
                    await AwaitWriteAsync(pending).ConfigureAwait(false);
                    continue;
                }
                pending.GetAwaiter().GetResult();
                if (_buffer.Length > 0)
                {
                    // wait a moment for more messages to share this socket write
                    lingered = true;
                    await Task.Delay(linger, CancellationToken.None).ConfigureAwait(false);
                    continue;
                }
                lingered = false;
                // between bursts, look again for a moment before stopping: the next drain would cost a wake-up
                // (a thread-pool work item and often a thread switch), and under a steady stream the next message
                // comes within microseconds
                SpinForWork(queue);
                if (!queue.ContinueDraining(this)) return;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or ArgumentException)
        {
            Fail(ex);
        }
    }

    private void Fail(Exception error)
    {
        _queue?.ReleaseAfterFailure(this);
        _owner.OnWriterFailed(this, error);
    }

    /// <summary>
    /// Spins (yielding the core after the first rounds) until something is queued or the spin limit is reached; not
    /// at all when the connection's reader is waiting to write itself (the queue's <see cref="OutboundQueue.ReaderWaitingHint"/>).
    /// </summary>
    private static void SpinForWork(OutboundQueue queue)
    {
        var spinner = default(SpinWait);
        for (var i = 0; i < DrainSpinIterations; i++)
        {
            if (queue.HasWorkHint || queue.ReaderWaitingHint) return;
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}
