using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using Pipeline.Cluster.Wire.Protocol;
using Pipeline.Runtime.Serialization;

namespace Pipeline.Cluster.Wire;

/// <summary>
/// A pooled, growable byte buffer that frames are encoded into back to back, so that many frames leave in one
/// socket write. Envelopes are encoded by hand in protobuf wire format (no message objects, no per-message
/// allocation); system frames use the generated protobuf classes. Not thread-safe: one writer owns it.
/// As an <see cref="IBufferWriter{T}"/> it lets a serializer write a payload straight into the frame.
/// </summary>
internal sealed class FrameBuffer : IBufferWriter<byte>, IDisposable
{
    // most bytes a payload's length varint takes (any 32-bit length)
    private const int ReservedLengthSize = 5;
    // room left for the length varint before a payload is serialized: the size the previous payload's length
    // needed (streams of similar messages need no move of the payload afterwards)
    private int _lengthGuess = 1;

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
    public void Reset() => _length = 0;

    /// <summary>Appends one envelope frame, compressing repeated strings through <paramref name="strings"/>.</summary>
    public void WriteEnvelope(in OutboundMessage message, OutboundStringTable strings, int maxFrameSize)
    {
        ArgumentNullException.ThrowIfNull(message.TargetPath);
        ArgumentNullException.ThrowIfNull(message.Manifest);
        var start = _length;
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
    /// Appends one envelope frame whose payload <see cref="OutboundMessage.Serializer"/> writes straight into this
    /// buffer. The payload field comes first (protobuf fields may come in any order; every reader of the
    /// <c>Envelope</c> message accepts it), so that nothing touches the string table before the payload is known
    /// to be good: a failing serializer or an over-size frame leaves no trace and returns the error instead.
    /// </summary>
    public Exception? TryWriteSerializedEnvelope(in OutboundMessage message, OutboundStringTable strings, int maxFrameSize)
    {
        var start = _length;
        EnsureCapacity(WireFormat.HeaderSize + 1 + ReservedLengthSize + 256);
        // field 11 tag, then a placeholder for the length, then the payload itself
        _buffer[start + WireFormat.HeaderSize] = (11 << 3) | ProtoWire.WireTypeLengthDelimited;
        var guess = _lengthGuess;
        var payloadStart = start + WireFormat.HeaderSize + 1 + guess;
        _length = payloadStart;
        PayloadHeader header;
        try
        {
            header = message.Serializer!.Serialize(message.Message!, this);
        }
        catch (Exception e)
        {
            _length = start;
            return e;
        }
        var payloadLength = _length - payloadStart;
        var worstCase = WireFormat.HeaderSize + 1 + ReservedLengthSize + payloadLength + 3 * (ProtoWire.MaxVarintSize * 3)
            + WorstCaseString(message.TargetPath) + WorstCaseString(message.SenderPath) + WorstCaseString(header.Manifest) + ProtoWire.MaxVarintSize * 2;
        if (worstCase - WireFormat.LengthPrefixSize > maxFrameSize)
        {
            _length = start;
            return new ArgumentException($"A message to {message.TargetPath} with a {payloadLength}-byte payload exceeds the maximum frame size of {maxFrameSize} bytes; send smaller messages or raise MaxFrameSize on every node.");
        }
        // the length varint in its shortest form; the payload moves only when the guessed room was not its size
        Span<byte> varint = stackalloc byte[ReservedLengthSize];
        var varintSize = ProtoWire.WriteVarint(varint, (uint)payloadLength);
        var lengthAt = start + WireFormat.HeaderSize + 1;
        if (varintSize != guess)
        {
            if (varintSize > guess) EnsureCapacity(varintSize - guess);
            if (payloadLength > 0) _buffer.AsSpan(payloadStart, payloadLength).CopyTo(_buffer.AsSpan(lengthAt + varintSize));
            _length += varintSize - guess; // the written bytes end where the moved payload ends (a growth keeps them all)
            _lengthGuess = varintSize;
        }
        varint[..varintSize].CopyTo(_buffer.AsSpan(lengthAt));
        var pos = 1 + varintSize + payloadLength;
        EnsureCapacity(start + worstCase - _length);
        var span = _buffer.AsSpan(start + WireFormat.HeaderSize);
        pos += WriteIndexedString(span[pos..], message.TargetPath, strings, 0, 1, 2, 3, index: !message.TargetIsTemporary);
        if (message.SenderPath is { } sender)
            pos += WriteIndexedString(span[pos..], sender, strings, 1, 4, 5, 6, index: !message.SenderIsTemporary);
        if (header.SerializerId != 0)
        {
            pos += ProtoWire.WriteTag(span[pos..], 7, ProtoWire.WireTypeVarint);
            pos += ProtoWire.WriteVarint(span[pos..], (ulong)(long)header.SerializerId);
        }
        if (header.Manifest.Length > 0)
            pos += WriteIndexedString(span[pos..], header.Manifest, strings, 2, 8, 9, 10, index: true);
        FinishFrame(start, FrameKind.Envelope, pos, maxFrameSize);
        return null;
    }

    /// <inheritdoc />
    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _length)) throw new InvalidOperationException($"Cannot advance {count} bytes past the end of the frame buffer.");
        _length += count;
    }

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
