using Microsoft.Extensions.Logging;

namespace Pipeline.Runtime.Actors;

/// <summary>Wraps a logger so every entry an actor writes carries its path in the logging scope ("ActorPath").</summary>
internal sealed class ActorLogger(ILogger inner, ActorPath path) : ILogger
{
    private readonly KeyValuePair<string, object>[] _scope = [new("ActorPath", path.ToString())];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel)) return;
        using (inner.BeginScope(_scope))
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
