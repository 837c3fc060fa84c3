using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Wire;

/// <summary>
/// Reads length-prefixed frames from a stream through System.IO.Pipelines (pooled buffers), enforcing the
/// maximum frame size. Over-size, truncated or undecodable frames raise <see cref="WireProtocolException"/>,
/// which the owner answers by closing this connection only.
/// </summary>
internal sealed class FrameReader : IAsyncDisposable
{
    private readonly PipeReader _reader;
    private int _maxFrameSize;
    private readonly InboundStringTable _strings;
    private byte[]? _scratch;

    /// <summary>Creates a reader over <paramref name="stream"/> that reads up to <paramref name="readBufferSize"/> bytes per socket read.</summary>
    public FrameReader(Stream stream, int maxFrameSize, int stringTableCapacity, int readBufferSize = 64 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSize, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(readBufferSize, 4096);
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: readBufferSize, minimumReadSize: readBufferSize / 4, leaveOpen: true));
        _maxFrameSize = maxFrameSize;
        _strings = new InboundStringTable(stringTableCapacity);
    }

    /// <summary>
    /// Largest frame accepted now. The transport keeps it small (16 KiB) until the handshake has authenticated
    /// the peer, so that an unauthenticated connection cannot make the node buffer megabytes.
    /// </summary>
    public int MaxFrameSize
    {
        get => _maxFrameSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 16);
            _maxFrameSize = value;
        }
    }

    /// <summary>Number of frames decoded so far.</summary>
    public long FramesRead { get; private set; }

    /// <summary>Reads exactly one frame, which must be a system frame (the handshake); null at a clean end of stream.</summary>
    public async ValueTask<SystemFrame?> ReadSystemFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryReadFrame(ref buffer, out var kind, out var body))
            {
                SystemFrame frame;
                try
                {
                    if (kind != FrameKind.System)
                        throw new WireProtocolException($"Expected a system frame during the handshake, got a {kind} frame.");
                    frame = ParseSystem(body.IsSingleSegment ? body.FirstSpan : CopyToScratch(body));
                }
                finally
                {
                    _reader.AdvanceTo(buffer.Start);
                }
                FramesRead++;
                return frame;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty) throw new WireProtocolException($"Connection closed inside a frame ({buffer.Length} bytes left over).");
                return null;
            }
        }
    }

    /// <summary>
    /// Reads and dispatches frames until the peer closes the stream (true) or <paramref name="cancellationToken"/>
    /// fires; false when the sink handed reading over to another task (<see cref="IFrameSink.OnReadCompleted"/>),
    /// which then goes on with this reader. When a frame is malformed (or the sink throws), the sink's
    /// <see cref="IFrameSink.OnReadCompleted"/> still runs for the frames dispatched before it in that read, and
    /// then the exception propagates.
    /// </summary>
    public async Task<bool> RunAsync(IFrameSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            try
            {
                while (true)
                {
                    // fast path: every frame lying wholly inside the first segment, parsed straight from its span
                    var consumed = DispatchContiguous(sink, buffer.FirstSpan);
                    if (consumed > 0) buffer = buffer.Slice(consumed);
                    // slow path: the one frame that straddles segments (or an incomplete header)
                    if (!TryReadFrame(ref buffer, out var kind, out var body)) break;
                    Dispatch(sink, kind, body);
                    FramesRead++;
                }
            }
            catch (Exception)
            {
                // a malformed frame ends the connection, but what the frames before it delivered in this read is
                // completed first (the turns they claimed run), so that no actor is left waiting for them
                CompleteBeforeFailure(sink);
                throw;
            }
            finally
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
            }
            if (!sink.OnReadCompleted()) return false;
            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty) throw new WireProtocolException($"Connection closed inside a frame ({buffer.Length} bytes left over).");
                return true;
            }
        }
    }

    private static void CompleteBeforeFailure(IFrameSink sink)
    {
        try
        {
            sink.OnReadCompleted();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // the read's own failure is the one reported
        }
    }

    /// <summary>Completes the pipe reader (the stream stays open; its owner closes it).</summary>
    public ValueTask DisposeAsync()
    {
        var scratch = _scratch;
        _scratch = null;
        if (scratch is not null) ArrayPool<byte>.Shared.Return(scratch);
        return _reader.CompleteAsync();
    }

    private int DispatchContiguous(IFrameSink sink, ReadOnlySpan<byte> span)
    {
        var pos = 0;
        while (span.Length - pos >= WireFormat.HeaderSize)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(span[pos..]);
            CheckHeader(length, span[pos + WireFormat.LengthPrefixSize]);
            if ((uint)(span.Length - pos - WireFormat.LengthPrefixSize) < length) break;
            var body = span.Slice(pos + WireFormat.HeaderSize, (int)length - 1);
            switch ((FrameKind)span[pos + WireFormat.LengthPrefixSize])
            {
                case FrameKind.EnvelopeRun:
                    EnvelopeDecoder.DecodeRun(body, _strings, sink);
                    break;
                case FrameKind.Envelope:
                    sink.OnEnvelope(EnvelopeDecoder.Decode(body, _strings));
                    break;
                default:
                    sink.OnSystemFrame(ParseSystem(body));
                    break;
            }
            pos += WireFormat.LengthPrefixSize + (int)length;
            FramesRead++;
        }
        return pos;
    }

    private void CheckHeader(uint length, byte kind)
    {
        if (length == 0)
            throw new WireProtocolException("Frame of length 0 (a frame holds at least its kind byte).");
        if (length > (uint)_maxFrameSize)
            throw new WireProtocolException($"Frame of {length} bytes exceeds the maximum frame size of {_maxFrameSize} bytes.");
        if (kind is not ((byte)FrameKind.Envelope or (byte)FrameKind.System or (byte)FrameKind.EnvelopeRun))
            throw new WireProtocolException($"Unknown frame kind {kind}.");
    }

    private static SystemFrame ParseSystem(ReadOnlySpan<byte> body)
    {
        try
        {
            var frame = SystemFrame.Parser.ParseFrom(body);
            if (frame.BodyCase == SystemFrame.BodyOneofCase.None)
                throw new WireProtocolException("System frame without a body.");
            return frame;
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new WireProtocolException("System frame is not a valid protobuf SystemFrame: " + ex.Message, ex);
        }
    }

    private void Dispatch(IFrameSink sink, FrameKind kind, ReadOnlySequence<byte> body)
    {
        // a frame split across the pipe's segments is decoded from one contiguous copy
        var span = body.IsSingleSegment ? body.FirstSpan : CopyToScratch(body);
        switch (kind)
        {
            case FrameKind.Envelope:
                sink.OnEnvelope(EnvelopeDecoder.Decode(span, _strings));
                break;
            case FrameKind.EnvelopeRun:
                EnvelopeDecoder.DecodeRun(span, _strings, sink);
                break;
            case FrameKind.System:
                sink.OnSystemFrame(ParseSystem(span));
                break;
            default:
                throw new WireProtocolException($"Unknown frame kind {(byte)kind}.");
        }
    }

    private bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out FrameKind kind, out ReadOnlySequence<byte> body)
    {
        kind = default;
        body = default;
        if (buffer.Length < WireFormat.LengthPrefixSize) return false;
        Span<byte> prefix = stackalloc byte[WireFormat.HeaderSize];
        var available = (int)Math.Min(buffer.Length, WireFormat.HeaderSize);
        buffer.Slice(0, available).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        // the kind byte may not have arrived yet: check it once it has
        CheckHeader(length, available == WireFormat.HeaderSize ? prefix[WireFormat.LengthPrefixSize] : (byte)FrameKind.Envelope);
        if (buffer.Length < WireFormat.LengthPrefixSize + length) return false;
        kind = (FrameKind)prefix[WireFormat.LengthPrefixSize];
        body = buffer.Slice(WireFormat.HeaderSize, length - 1);
        buffer = buffer.Slice(WireFormat.LengthPrefixSize + length);
        return true;
    }

    private ReadOnlySpan<byte> CopyToScratch(ReadOnlySequence<byte> body)
    {
        var length = (int)body.Length;
        if (_scratch is null || _scratch.Length < length)
        {
            if (_scratch is not null) ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = ArrayPool<byte>.Shared.Rent(length);
        }
        body.CopyTo(_scratch);
        return _scratch.AsSpan(0, length);
    }
}
