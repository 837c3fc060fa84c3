using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Pipeline.TestKit;

/// <summary>Writes log entries (with their scopes, such as the actor path) into a test's output.</summary>
public sealed class XunitLoggerProvider(ITestOutputHelper output, LogLevel minimum = LogLevel.Information) : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new XunitLogger(this, categoryName);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <inheritdoc />
    public void Dispose() { }

    private sealed class XunitLogger(XunitLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var scope = "";
            owner._scopes.ForEachScope((s, _) =>
            {
                if (s is IEnumerable<KeyValuePair<string, object>> pairs)
                    foreach (var p in pairs) scope += $" {p.Key}={p.Value}";
            }, (object?)null);
            try
            {
                owner.Output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel,-11} {category}{scope}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; its output is closed.
            }
        }
    }

    private LogLevel Minimum => minimum;

    private ITestOutputHelper Output => output;
}
