namespace Pipeline.Streams.Implementation;

/// <summary>
/// Runs a handler on a stage's interpreter from any thread. Invoking it after the stage finished does nothing
/// (the stream is gone); <see cref="Invoke"/> is thread-safe.
/// </summary>
/// <typeparam name="T">The argument type.</typeparam>
public sealed class AsyncCallback<T>
{
    private readonly GraphStageLogic _logic;
    private readonly Action<T> _handler;

    internal AsyncCallback(GraphStageLogic logic, Action<T> handler)
    {
        _logic = logic;
        _handler = handler;
    }

    /// <summary>Queues the handler with <paramref name="value"/> on the stage's interpreter.</summary>
    public void Invoke(T value)
    {
        var shell = _logic.Shell ?? throw new InvalidOperationException("The stage is not materialized yet.");
        shell.Enqueue(new CallbackEvent<T>(_logic, _handler, value));
    }
}
