using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Diagnostics;
using Pipeline.Runtime.Serialization;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Diagnostics;

public sealed class KernelObservabilityTests
{
    private sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
        public readonly System.Collections.Concurrent.ConcurrentQueue<(string Category, string Text, string Scope)> Entries = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;
        public void Dispose() { }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = "";
                owner._scopes.ForEachScope((s, _) =>
                {
                    if (s is IEnumerable<KeyValuePair<string, object>> pairs)
                        foreach (var p in pairs) scope += $"{p.Key}={p.Value};";
                }, (object?)null);
                owner.Entries.Enqueue((category, formatter(state, exception), scope));
            }
        }
    }

    private sealed class Chatty : ActorBase
    {
        protected override bool Receive(object message)
        {
            Context.Log.LogInformation("got {Message}", message);
            Reply("done");
            return true;
        }
    }

    private sealed class Sink : ActorBase
    {
        protected override bool Receive(object message) => message is not "unhandled";
    }

    [Fact]
    public async Task Actor_logs_carry_the_actor_path_in_their_scope()
    {
        var provider = new CapturingLoggerProvider();
        var system = ActorSystem.Create("logs", ActorSystemSettings.Default with { LoggerFactory = LoggerFactory.Create(b => b.AddProvider(provider)) });
        var actor = system.ActorOf(Props.Create(() => new Chatty()), "chatty");
        await Runtime.Patterns.AskExtensions.Ask<string>(actor, "hello", TimeSpan.FromSeconds(3));
        var entry = Assert.Single(provider.Entries, e => e.Text == "got hello");
        Assert.Contains("ActorPath=pipeline://logs/user/chatty", entry.Scope);
        await system.Terminate();
    }

    [Fact]
    public async Task Dead_letters_are_logged_with_a_limit_per_interval()
    {
        var provider = new CapturingLoggerProvider();
        var system = ActorSystem.Create("deadletters", ActorSystemSettings.Default with
        {
            LoggerFactory = LoggerFactory.Create(b => b.AddProvider(provider)),
            DeadLetterLogLimit = 3,
            DeadLetterLogInterval = TimeSpan.FromHours(1),
        });
        for (var i = 0; i < 50; i++) system.DeadLetters.Tell(i);
        Assert.Equal(3, provider.Entries.Count(e => e.Text.StartsWith("Dead letter:", StringComparison.Ordinal)));
        await system.Terminate();
    }

    [Fact]
    public async Task Kernel_metrics_count_messages_dead_letters_and_unhandled()
    {
        var system = ActorSystem.Create("metrics");
        var values = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RuntimeMetrics.MeterName && instrument.Meter.Tags?.Any(t => Equals(t.Value, "metrics")) == true)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values.AddOrUpdate(instrument.Name, value, (_, v) => v + value));
        listener.Start();
        var sink = system.ActorOf(Props.Create(() => new Sink()));
        for (var i = 0; i < 100; i++) sink.Tell(i);
        sink.Tell("unhandled");
        system.DeadLetters.Tell("lost");
        await AwaitHelpers.AwaitAssertAsync(() =>
        {
            Assert.True(values.GetValueOrDefault("pipeline.actor.messages_processed") >= 101);
            Assert.Equal(1, values.GetValueOrDefault("pipeline.actor.unhandled"));
            Assert.Equal(1, values.GetValueOrDefault("pipeline.actor.dead_letters"));
        });
        await system.Terminate();
    }

    private sealed record WithDelegate(Func<int> Callback);

    [Fact]
    public async Task Serialize_all_mode_surfaces_messages_that_cannot_cross_the_wire()
    {
        var system = ActorSystem.Create("serialize-all", ActorSystemSettings.Default with { SerializeAllMessages = true });
        var sink = system.ActorOf(Props.Create(() => new Sink()));
        var e = Assert.ThrowsAny<SerializationException>(() => sink.Tell(new WithDelegate(() => 1)));
        Assert.Contains(nameof(WithDelegate), e.Message);
        sink.Tell(new Ping(1)); // a plain record passes
        await system.Terminate();
    }
}
