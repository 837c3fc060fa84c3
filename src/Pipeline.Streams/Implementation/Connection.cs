namespace Pipeline.Streams.Implementation;

/// <summary>
/// The wire between an outlet and an inlet inside one island. Holds the demand flag, at most one element and
/// the closed states of both ends; the interpreter enforces the Reactive Streams rules on it.
/// </summary>
internal abstract class Connection
{
    internal GraphStageLogic OutOwner = null!;
    internal GraphStageLogic InOwner = null!;
    internal IOutHandler? OutHandler;
    internal IInHandler? InHandler;
    internal int OutIndex;
    internal int InIndex;

    /// <summary>The downstream asked for one element and has not received it yet.</summary>
    internal bool Pulled;
    /// <summary>An element was pushed and not grabbed yet.</summary>
    internal bool HasElement;
    /// <summary>The upstream end is closed: it completed, failed, or was told of the cancellation.</summary>
    internal bool OutClosed;
    /// <summary>The downstream end is closed: it cancelled, or was told of the completion/failure.</summary>
    internal bool InClosed;
    /// <summary>Upstream completed or failed; the downstream may not have been told yet.</summary>
    internal bool UpstreamDone;
    /// <summary>Downstream cancelled; the upstream may not have been told yet.</summary>
    internal bool DownstreamDone;
    internal Exception? Failure;
    internal Exception? CancelCause;
    /// <summary>Events for this connection waiting in the interpreter's queue (later ones must queue behind them).</summary>
    internal int Queued;

    internal abstract void ClearElement();
}

/// <summary>A typed connection: the element slot is typed, so pushing value types does not box.</summary>
internal sealed class Connection<T> : Connection
{
    internal T Element = default!;

    internal override void ClearElement() => Element = default!;
}
