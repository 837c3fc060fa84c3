namespace Pipeline.Streams.Dsl;

/// <summary>
/// The handle of a running <see cref="Source.Queue{T}"/>: code outside the stream offers elements into it. With
/// <see cref="OverflowStrategy.Backpressure"/>, <see cref="OfferAsync"/> waits while the buffer is full, so that
/// producers slow down to the stream's pace. Thread-safe.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public interface ISourceQueue<T>
{
    /// <summary>Offers an element; completes when it is buffered, dropped, or refused.</summary>
    ValueTask<QueueOfferResult> OfferAsync(T element, CancellationToken cancellationToken = default);

    /// <summary>Completes the stream once the buffered elements are emitted.</summary>
    void Complete();

    /// <summary>Fails the stream (buffered elements are discarded).</summary>
    void Fail(Exception cause);

    /// <summary>Completes when the source stopped (the downstream completed or cancelled it, or it failed).</summary>
    Task WhenTerminated { get; }

    /// <summary>Elements buffered now.</summary>
    int Count { get; }

    /// <summary>Elements dropped by the overflow strategy so far.</summary>
    long Dropped { get; }

    /// <summary>Why the stream failed, if it did.</summary>
    Exception? Failure { get; }
}
