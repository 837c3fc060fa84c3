using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using Pipeline.Cluster.Wire.Protocol;
using Pipeline.Runtime.Serialization;

namespace Pipeline.Cluster.Wire;

/// <summary>
/// A pooled, growable byte buffer that frames are encoded into back to back, so that many frames leave in one
/// socket write. Envelopes are encoded by hand in protobuf wire format (no message objects, no per-message
/// allocation), consecutive messages between the same two actors as one envelope run (one header, then each
/// payload with its length); system frames use the generated protobuf classes. Not thread-safe: one writer owns it.
/// As an <see cref="IBufferWriter{T}"/> it lets a serializer write a payload straight into the frame.
/// </summary>
internal sealed class FrameBuffer : IBufferWriter<byte>, IDisposable
{
    // most bytes a payload's length varint takes (any 32-bit length)
    private const int ReservedLengthSize = 5;
    // room left for the length varint before a payload is serialized: the size the previous payload's length
    // needed (streams of similar messages need no move of the payload afterwards)
    private int _lengthGuess = 1;
    // the envelope run the buffer ends with (-1: none): where its frame starts and what its messages share
    private int _runStart = -1;
    private string? _runTarget;
    private string? _runSender;
    private bool _runTargetIsTemporary;
    private bool _runSenderIsTemporary;
    private int _runSerializerId;
    private string? _runManifest;
    // room left for a new run's header (with its length varint) before its first payload: the last run's size
    private int _runHeaderGuess = 8;

    private byte[] _buffer;
    private int _length;

    /// <summary>Rents an initial buffer of at least <paramref name="initialCapacity"/> bytes.</summary>
    public FrameBuffer(int initialCapacity = 64 * 1024)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    /// <summary>The encoded frames, ready for one socket write.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    /// <summary>Forgets the written frames (after they were sent).</summary>
    public void Reset()
    {
        _length = 0;
        _runStart = -1;
    }

    /// <summary>Appends one envelope frame, compressing repeated strings through <paramref name="strings"/>.</summary>
    public void WriteEnvelope(in OutboundMessage message, OutboundStringTable strings, int maxFrameSize)
    {
        ArgumentNullException.ThrowIfNull(message.TargetPath);
        ArgumentNullException.ThrowIfNull(message.Manifest);
        var start = _length;
        _runStart = -1;
        var worstCase = WireFormat.HeaderSize + 3 * (ProtoWire.MaxVarintSize * 3)
            + WorstCaseString(message.TargetPath) + WorstCaseString(message.SenderPath) + WorstCaseString(message.Manifest)
            + ProtoWire.MaxVarintSize * 2 + message.Payload.Length;
        EnsureCapacity(worstCase);
        var span = _buffer.AsSpan(start + WireFormat.HeaderSize);
        var pos = 0;
        pos += WriteIndexedString(span[pos..], message.TargetPath, strings, 0, 1, 2, 3, index: !message.TargetIsTemporary);
        if (message.SenderPath is { } sender)
            pos += WriteIndexedString(span[pos..], sender, strings, 1, 4, 5, 6, index: !message.SenderIsTemporary);
        if (message.SerializerId != 0)
        {
            pos += ProtoWire.WriteTag(span[pos..], 7, ProtoWire.WireTypeVarint);
            pos += ProtoWire.WriteVarint(span[pos..], (ulong)(long)message.SerializerId);
        }
        if (message.Manifest.Length > 0)
            pos += WriteIndexedString(span[pos..], message.Manifest, strings, 2, 8, 9, 10, index: true);
        if (!message.Payload.IsEmpty)
        {
            pos += ProtoWire.WriteTag(span[pos..], 11, ProtoWire.WireTypeLengthDelimited);
            pos += ProtoWire.WriteVarint(span[pos..], (uint)message.Payload.Length);
            message.Payload.Span.CopyTo(span[pos..]);
            pos += message.Payload.Length;
        }
        FinishFrame(start, FrameKind.Envelope, pos, maxFrameSize);
    }

    /// <summary>
    /// Appends one message whose payload <see cref="OutboundMessage.Serializer"/> writes straight into this buffer.
    /// Messages go into envelope runs (<see cref="FrameKind.EnvelopeRun"/>): when the buffer ends with a run to the
    /// same target from the same sender whose payloads have the same serializer and manifest, the payload is
    /// appended to that run (its length and bytes, nothing else); otherwise a new run starts with this message.
    /// The payload is serialized before the header is written, so that nothing touches the string table before
    /// the payload is known to be good: a failing serializer or an over-size frame leaves no trace and returns
    /// the error instead (an open run stays open).
    /// </summary>
    public Exception? TryWriteSerializedEnvelope(in OutboundMessage message, OutboundStringTable strings, int maxFrameSize)
    {
        var start = _length;
        var appending = _runStart >= 0 && SameRun(message);
        // room before the payload: its length varint, and for a new run the frame header and the run header too
        var before = _lengthGuess + (appending ? 0 : WireFormat.HeaderSize + _runHeaderGuess);
        EnsureCapacity(before + 256);
        var payloadStart = start + before;
        _length = payloadStart;
        if (Serialize(message, out var header) is { } failed)
        {
            _length = start;
            return failed;
        }
        var payloadLength = _length - payloadStart;
        var varintSize = VarintSize((uint)payloadLength);
        if (appending && header.SerializerId == _runSerializerId && string.Equals(header.Manifest, _runManifest, StringComparison.Ordinal)
            && (long)start - _runStart - WireFormat.LengthPrefixSize + varintSize + payloadLength <= maxFrameSize)
        {
            PlacePayload(start, payloadStart, payloadLength, varintSize);
            WriteLengthPrefix(_runStart, _length - _runStart - WireFormat.LengthPrefixSize);
            return null;
        }
        return StartRun(message, header, strings, maxFrameSize, start, payloadStart, payloadLength, varintSize);
    }

    /// <summary>
    /// Runs the message's serializer into this buffer; its exception is returned, not thrown. Kept out of the caller
    /// on purpose: a method with an exception handler keeps its locals on the stack, and the caller is the hot path.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private Exception? Serialize(in OutboundMessage message, out PayloadHeader header)
    {
        try
        {
            header = message.Serializer!.Serialize(message.Message!, this);
            return null;
        }
        catch (Exception e)
        {
            header = default;
            return DescribeFailure(message, e);
        }
    }

    private static Exception DescribeFailure(in OutboundMessage message, Exception error)
    {
        try
        {
            return message.Serializer!.DescribeFailure(message.Message!, error);
        }
        catch (Exception describing) when (describing is not OutOfMemoryException)
        {
            return error;
        }
    }

    /// <summary>Bytes of <paramref name="value"/> as a varint.</summary>
    private static int VarintSize(uint value) => value < 1u << 7 ? 1 : value < 1u << 14 ? 2 : value < 1u << 21 ? 3 : value < 1u << 28 ? 4 : 5;

    /// <summary>Writes a new run frame at <paramref name="start"/> around the payload serialized at <paramref name="payloadStart"/>.</summary>
    private Exception? StartRun(in OutboundMessage message, PayloadHeader header, OutboundStringTable strings, int maxFrameSize,
        int start, int payloadStart, int payloadLength, int payloadVarintSize)
    {
        var worstHeader = 3 * (ProtoWire.MaxVarintSize * 3) + WorstCaseString(message.TargetPath) + WorstCaseString(message.SenderPath)
            + WorstCaseString(header.Manifest) + ProtoWire.MaxVarintSize * 2;
        if ((long)1 + ReservedLengthSize + worstHeader + payloadVarintSize + payloadLength > maxFrameSize)
        {
            _length = start;
            return new ArgumentException($"A message to {message.TargetPath} with a {payloadLength}-byte payload exceeds the maximum frame size of {maxFrameSize} bytes; send smaller messages or raise MaxFrameSize on every node.");
        }
        // the header is encoded aside (it defines strings: only now that the payload is good), then put in place
        byte[]? rented = null;
        Span<byte> headerSpan = worstHeader <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(worstHeader));
        try
        {
            var headerLength = WriteRunHeader(headerSpan, message, header, strings);
            Span<byte> headerVarint = stackalloc byte[ReservedLengthSize];
            var headerVarintSize = ProtoWire.WriteVarint(headerVarint, (uint)headerLength);
            var runHeader = headerVarintSize + headerLength;
            var needed = WireFormat.HeaderSize + runHeader + payloadVarintSize;
            var had = payloadStart - start;
            if (needed != had)
            {
                if (needed > had) EnsureCapacity(needed - had);
                if (payloadLength > 0) _buffer.AsSpan(payloadStart, payloadLength).CopyTo(_buffer.AsSpan(start + needed));
            }
            var span = _buffer.AsSpan(start + WireFormat.HeaderSize);
            headerVarint[..headerVarintSize].CopyTo(span);
            headerSpan[..headerLength].CopyTo(span[headerVarintSize..]);
            ProtoWire.WriteVarint(span[runHeader..], (uint)payloadLength);
            _length = start + needed + payloadLength;
            _buffer[start + WireFormat.LengthPrefixSize] = (byte)FrameKind.EnvelopeRun;
            WriteLengthPrefix(start, _length - start - WireFormat.LengthPrefixSize);
            _runStart = start;
            _runTarget = message.TargetPath;
            _runSender = message.SenderPath;
            _runTargetIsTemporary = message.TargetIsTemporary;
            _runSenderIsTemporary = message.SenderIsTemporary;
            _runSerializerId = header.SerializerId;
            _runManifest = header.Manifest;
            _runHeaderGuess = runHeader;
            _lengthGuess = payloadVarintSize;
            return null;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Puts the length varint before a payload appended to the run, moving the payload when the guessed room was not its size.</summary>
    private void PlacePayload(int start, int payloadStart, int payloadLength, int varintSize)
    {
        var guess = payloadStart - start;
        if (varintSize != guess)
        {
            if (varintSize > guess) EnsureCapacity(varintSize - guess);
            if (payloadLength > 0) _buffer.AsSpan(payloadStart, payloadLength).CopyTo(_buffer.AsSpan(start + varintSize));
            _lengthGuess = varintSize;
        }
        if (varintSize == 1) _buffer[start] = (byte)payloadLength;
        else ProtoWire.WriteVarint(_buffer.AsSpan(start), (uint)payloadLength);
        _length = start + varintSize + payloadLength;
    }

    private bool SameRun(in OutboundMessage message) =>
        string.Equals(message.TargetPath, _runTarget, StringComparison.Ordinal)
        && string.Equals(message.SenderPath, _runSender, StringComparison.Ordinal)
        && message.TargetIsTemporary == _runTargetIsTemporary && message.SenderIsTemporary == _runSenderIsTemporary;

    private static int WriteRunHeader(Span<byte> span, in OutboundMessage message, PayloadHeader header, OutboundStringTable strings)
    {
        var pos = WriteIndexedString(span, message.TargetPath, strings, 0, 1, 2, 3, index: !message.TargetIsTemporary);
        if (message.SenderPath is { } sender)
            pos += WriteIndexedString(span[pos..], sender, strings, 1, 4, 5, 6, index: !message.SenderIsTemporary);
        if (header.SerializerId != 0)
        {
            pos += ProtoWire.WriteTag(span[pos..], 7, ProtoWire.WireTypeVarint);
            pos += ProtoWire.WriteVarint(span[pos..], (ulong)(long)header.SerializerId);
        }
        if (header.Manifest.Length > 0)
            pos += WriteIndexedString(span[pos..], header.Manifest, strings, 2, 8, 9, 10, index: true);
        return pos;
    }

    private void WriteLengthPrefix(int start, int frameLength) => BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(start), (uint)frameLength);

    /// <inheritdoc />
    public void Advance(int count)
    {
        // the throw is kept out of line, so that this stays small enough to inline into serializers
        if ((uint)count > (uint)(_buffer.Length - _length)) ThrowAdvancePastEnd(count);
        _length += count;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowAdvancePastEnd(int count) =>
        throw new InvalidOperationException($"Cannot advance {count} bytes past the end of the frame buffer.");

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(Math.Max(sizeHint, 256));
        return _buffer.AsMemory(_length);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(Math.Max(sizeHint, 256));
        return _buffer.AsSpan(_length);
    }

    /// <summary>Appends one system frame.</summary>
    public void WriteSystem(SystemFrame frame, int maxFrameSize)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var size = frame.CalculateSize();
        var start = _length;
        _runStart = -1;
        EnsureCapacity(WireFormat.HeaderSize + size);
        frame.WriteTo(_buffer.AsSpan(start + WireFormat.HeaderSize, size));
        FinishFrame(start, FrameKind.System, size, maxFrameSize);
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        _runStart = -1;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private void FinishFrame(int start, FrameKind kind, int bodyLength, int maxFrameSize)
    {
        var frameLength = bodyLength + 1;
        if (frameLength > maxFrameSize)
            throw new ArgumentException($"A {kind} frame of {frameLength} bytes exceeds the maximum frame size of {maxFrameSize} bytes; send smaller messages or raise MaxFrameSize on every node.");
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(start), (uint)frameLength);
        _buffer[start + WireFormat.LengthPrefixSize] = (byte)kind;
        _length = start + WireFormat.HeaderSize + bodyLength;
    }

    private static int WorstCaseString(string? value) => value is null ? 0 : ProtoWire.MaxVarintSize * 2 + value.Length * 3;

    private static int WriteIndexedString(Span<byte> span, string value, OutboundStringTable strings, int slot, int literalField, int refField, int defineField, bool index)
    {
        uint define = 0;
        var found = index ? strings.Lookup(value, slot, out define) : 0;
        if (found != 0)
        {
            var n = ProtoWire.WriteTag(span, refField, ProtoWire.WireTypeVarint);
            return n + ProtoWire.WriteVarint(span[n..], found);
        }
        var pos = ProtoWire.WriteTag(span, literalField, ProtoWire.WireTypeLengthDelimited);
        var byteCount = WireStrings.ByteCount(value);
        pos += ProtoWire.WriteVarint(span[pos..], (uint)byteCount);
        pos += WireStrings.Encode(value, span[pos..]);
        if (define != 0)
        {
            pos += ProtoWire.WriteTag(span[pos..], defineField, ProtoWire.WireTypeVarint);
            pos += ProtoWire.WriteVarint(span[pos..], define);
        }
        return pos;
    }

    private void EnsureCapacity(int additional)
    {
        var needed = _length + additional;
        if (needed <= _buffer.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
