namespace Pipeline.Streams.Implementation;

/// <summary>Work that comes into an island from outside its interpreter (callbacks, timers, start, abort).</summary>
internal abstract class ShellEvent
{
    internal abstract void Run(GraphInterpreter interpreter);
}

internal sealed class CallbackEvent<T>(GraphStageLogic logic, Action<T> handler, T value) : ShellEvent
{
    internal override void Run(GraphInterpreter interpreter) => interpreter.RunInStage(logic, handler, value);
}

internal sealed class TimerEvent(GraphStageLogic logic, object key, int generation, bool periodic) : ShellEvent
{
    internal override void Run(GraphInterpreter interpreter) => interpreter.RunTimer(logic, key, generation, periodic);
}

internal sealed class StartEvent : ShellEvent
{
    internal override void Run(GraphInterpreter interpreter) => interpreter.Start();
}

internal sealed class AbortEvent(Exception cause) : ShellEvent
{
    internal override void Run(GraphInterpreter interpreter) => interpreter.Abort(cause);
}
