using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Events;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Pipeline.TestKit;

/// <summary>
/// The base class of actor tests (xunit): a fresh <see cref="ActorSystem"/> per test with every message
/// serialized (so serialization bugs show up locally), a default probe <see cref="TestActor"/>, and a strict
/// end: the test fails if an actor threw without the test expecting it, or if the system does not terminate
/// in time (an actor that blocks or leaks).
/// </summary>
public abstract class ActorTestKit : IAsyncLifetime
{
    private readonly ConcurrentQueue<ActorFailed> _failures = new();
    private readonly List<Func<ActorFailed, bool>> _allowed = new();
    private readonly Lock _lock = new();
    private readonly IDisposable _failureSubscription;
    private TestProbe? _testActor;

    /// <summary>Creates the test's actor system.</summary>
    /// <param name="output">xunit's output; kernel logs go there.</param>
    /// <param name="settings">Settings to start from (serialization of every message is switched on unless set otherwise).</param>
    /// <param name="serializeAllMessages">Serialize every local message (default true).</param>
    protected ActorTestKit(ITestOutputHelper? output = null, ActorSystemSettings? settings = null, bool serializeAllMessages = true)
    {
        var s = settings ?? ActorSystemSettings.Default;
        if (output is not null && ReferenceEquals(s.LoggerFactory, ActorSystemSettings.Default.LoggerFactory))
            s = s with { LoggerFactory = LoggerFactory.Create(b => b.AddProvider(new XunitLoggerProvider(output)).SetMinimumLevel(LogLevel.Information)) };
        s = s with { SerializeAllMessages = serializeAllMessages };
        Sys = ActorSystem.Create("test-" + Guid.NewGuid().ToString("N")[..8], s);
        _failureSubscription = Sys.EventStream.Subscribe<ActorFailed>(f => _failures.Enqueue(f));
    }

    /// <summary>The test's actor system.</summary>
    protected ActorSystem Sys { get; }

    /// <summary>A default probe, created on first use.</summary>
    protected TestProbe TestActor => _testActor ??= CreateTestProbe("testActor");

    /// <summary>How long the system may take to terminate at the end of the test.</summary>
    protected virtual TimeSpan ShutdownTimeout => TestTimeouts.Dilated(TimeSpan.FromSeconds(10));

    /// <summary>Creates a probe.</summary>
    protected TestProbe CreateTestProbe(string? name = null) => new(Sys, name);

    /// <summary>Declares that actors may fail with <typeparamref name="TException"/> in this test.</summary>
    protected void AllowActorFailures<TException>() where TException : Exception
    {
        lock (_lock) _allowed.Add(f => f.Cause is TException);
    }

    /// <summary>Declares that actor failures matching <paramref name="predicate"/> are expected in this test.</summary>
    protected void AllowActorFailures(Func<ActorFailed, bool> predicate)
    {
        lock (_lock) _allowed.Add(predicate);
    }

    /// <summary>Actor failures seen so far.</summary>
    protected IReadOnlyList<ActorFailed> ActorFailures => _failures.ToArray();

    /// <inheritdoc />
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        var terminate = Sys.Terminate();
        var finished = await Task.WhenAny(terminate, Task.Delay(ShutdownTimeout)).ConfigureAwait(false);
        _failureSubscription.Dispose();
        if (finished != terminate)
            throw new XunitException($"The actor system did not terminate within {ShutdownTimeout.TotalSeconds:0.#} s: an actor blocks its thread or never finishes stopping ({Sys.Metrics.LiveActors} actors still alive).");
        await terminate.ConfigureAwait(false);
        List<ActorFailed> unexpected;
        lock (_lock) unexpected = _failures.Where(f => !_allowed.Any(a => a(f))).ToList();
        if (unexpected.Count > 0)
            throw new XunitException("Actors failed unexpectedly (call AllowActorFailures<T>() if the test expects it):" + Environment.NewLine +
                string.Join(Environment.NewLine, unexpected.Select(f => $"  {f.Actor.Path}: {f.Cause.GetType().Name}: {f.Cause.Message}")));
    }
}
