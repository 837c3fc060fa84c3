using System.Buffers;

namespace Pipeline.Runtime.Serialization;

/// <summary>
/// Turns messages into bytes and back, as Akka's serializers do: each serializer has a stable
/// <see cref="Identifier"/> that travels with the bytes (so the receiving node knows which serializer to use)
/// and, when <see cref="IncludeManifest"/> is true, a <see cref="Manifest"/> string that tells it which type to
/// rebuild. Identifiers 0–99 are reserved for the built-in serializers; user serializers use 100 and above.
/// Implementations must be thread-safe: one instance serves every actor of a system.
/// </summary>
public abstract class Serializer
{
    /// <summary>The stable id written next to every payload; never change it once data was written with it.</summary>
    public abstract int Identifier { get; }

    /// <summary>Whether <see cref="Manifest"/> must be stored with the bytes for <see cref="FromBinary(ReadOnlySpan{byte}, string)"/> to work.</summary>
    public abstract bool IncludeManifest { get; }

    /// <summary>
    /// The string that tells <see cref="FromBinary(ReadOnlySpan{byte}, string)"/> what to rebuild (usually a
    /// type name). Only asked for when <see cref="IncludeManifest"/> is true; the default is empty.
    /// </summary>
    public virtual string Manifest(object obj) => string.Empty;

    /// <summary>Writes <paramref name="obj"/> into <paramref name="output"/> (a pooled or framed buffer owned by the caller).</summary>
    public abstract void ToBinary(object obj, IBufferWriter<byte> output);

    /// <summary>Rebuilds a message from bytes written by <see cref="ToBinary(object, IBufferWriter{byte})"/> and its manifest.</summary>
    public abstract object FromBinary(ReadOnlySpan<byte> bytes, string manifest);

    /// <summary>
    /// Rebuilds a message from possibly fragmented bytes (as read from a socket). The default copies a
    /// multi-segment sequence into a pooled buffer; serializers that read sequences natively override it.
    /// </summary>
    public virtual object FromBinary(in ReadOnlySequence<byte> bytes, string manifest)
    {
        if (bytes.IsSingleSegment) return FromBinary(bytes.FirstSpan, manifest);
        var length = checked((int)bytes.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            bytes.CopyTo(rented);
            return FromBinary(rented.AsSpan(0, length), manifest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Convenience for callers that want an owned array (tests, tools); the hot paths use the buffer-writer overload.</summary>
    public byte[] ToBinary(object obj)
    {
        using var buffer = new PooledBufferWriter();
        ToBinary(obj, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name} (id {Identifier})";
}
