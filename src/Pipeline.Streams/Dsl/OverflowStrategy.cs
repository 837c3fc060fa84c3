namespace Pipeline.Streams.Dsl;

/// <summary>What a full stream buffer does with the next element (Akka.Streams' overflow strategies). Every drop is counted.</summary>
public enum OverflowStrategy
{
    /// <summary>Stop pulling the upstream until there is room (nothing is lost).</summary>
    Backpressure,
    /// <summary>Drop the oldest buffered element to make room.</summary>
    DropHead,
    /// <summary>Drop the youngest buffered element to make room.</summary>
    DropTail,
    /// <summary>Drop everything buffered to make room.</summary>
    DropBuffer,
    /// <summary>Drop the arriving element.</summary>
    DropNew,
    /// <summary>Fail the stream with <see cref="BufferOverflowException"/>.</summary>
    Fail,
}
