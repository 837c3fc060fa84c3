using System.Buffers;

namespace Pipeline.Runtime.Serialization;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>, so that
/// serializing a message costs no garbage array. Not thread-safe: one writer per operation. Dispose it to give
/// the array back; anything read from <see cref="WrittenSpan"/> or <see cref="WrittenMemory"/> is invalid after.
/// </summary>
public sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int MinimumSize = 256;
    private byte[] _buffer;
    private int _written;

    /// <summary>Creates a writer with room for at least <paramref name="initialCapacity"/> bytes.</summary>
    public PooledBufferWriter(int initialCapacity = MinimumSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, MinimumSize));
    }

    /// <summary>How many bytes were written so far.</summary>
    public int WrittenCount => _written;

    /// <summary>The bytes written so far (valid until the next write, <see cref="Clear"/> or <see cref="Dispose"/>).</summary>
    public ReadOnlySpan<byte> WrittenSpan => Buffer.AsSpan(0, _written);

    /// <summary>The bytes written so far as memory (same validity as <see cref="WrittenSpan"/>).</summary>
    public ReadOnlyMemory<byte> WrittenMemory => Buffer.AsMemory(0, _written);

    private byte[] Buffer => _buffer.Length == 0 ? throw new ObjectDisposedException(nameof(PooledBufferWriter)) : _buffer;

    /// <summary>Forgets what was written and keeps the rented array for reuse.</summary>
    public void Clear() => _written = 0;

    /// <inheritdoc />
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > Buffer.Length)
            throw new InvalidOperationException($"Cannot advance {count} bytes: only {_buffer.Length - _written} bytes were handed out.");
        _written += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureRoom(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureRoom(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Returns the rented array to the pool.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        if (buffer.Length == 0) return;
        _buffer = [];
        _written = 0;
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private void EnsureRoom(int sizeHint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        var buffer = Buffer;
        var needed = Math.Max(sizeHint, 1);
        if (buffer.Length - _written >= needed) return;
        var newSize = Math.Max(checked(_written + needed), checked(buffer.Length * 2));
        var bigger = ArrayPool<byte>.Shared.Rent(newSize);
        buffer.AsSpan(0, _written).CopyTo(bigger);
        _buffer = bigger;
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
