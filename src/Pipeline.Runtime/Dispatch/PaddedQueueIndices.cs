using System.Runtime.InteropServices;

namespace Pipeline.Runtime.Dispatch;

/// <summary>
/// The consumer's head and the producers' tail of a queue segment, on separate cache lines: the consumer
/// writes the head on every dequeue and producers CAS the tail on every enqueue, usually from other cores,
/// and sharing one line would make every operation on either side a cache miss. (Non-generic because the
/// runtime refuses explicit layout on generic types.)
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 2 * CacheLineSize)]
internal struct PaddedQueueIndices
{
    private const int CacheLineSize = 64;

    /// <summary>Next position to dequeue (written by the consumer only).</summary>
    [FieldOffset(0)] public long Head;

    /// <summary>Next position to enqueue (advanced by producers with CAS).</summary>
    [FieldOffset(CacheLineSize)] public long Tail;
}
