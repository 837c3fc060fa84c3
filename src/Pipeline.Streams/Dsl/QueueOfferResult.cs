namespace Pipeline.Streams.Dsl;

/// <summary>The outcome of offering an element to a <see cref="ISourceQueue{T}"/>.</summary>
public enum QueueOfferResult
{
    /// <summary>The element is in the stream's buffer.</summary>
    Enqueued,
    /// <summary>The buffer was full and the overflow strategy dropped the element (counted in <see cref="ISourceQueue{T}.Dropped"/>).</summary>
    Dropped,
    /// <summary>The queue was completed or the stream stopped: nothing more is accepted.</summary>
    QueueClosed,
    /// <summary>The stream failed (or the overflow strategy is Fail): see <see cref="ISourceQueue{T}.Failure"/>.</summary>
    Failure,
}
