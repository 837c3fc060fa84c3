using Microsoft.Extensions.Logging;

namespace Pipeline.Runtime.Shutdown;

/// <summary>
/// Stops a node in ordered phases, as Akka does: stop taking requests, drain, hand shards off, leave the
/// cluster, then terminate the actor system. Components add tasks to a phase; the tasks of one phase run
/// concurrently, each phase has a timeout (a late phase is logged and the shutdown goes on), and running the
/// shutdown twice returns the same task.
/// </summary>
public sealed class CoordinatedShutdown
{
    /// <summary>The built-in phases, in order.</summary>
    public static class Phases
    {
        /// <summary>First phase.</summary>
        public const string BeforeServiceUnbind = "before-service-unbind";
        /// <summary>Stop accepting new incoming connections.</summary>
        public const string ServiceUnbind = "service-unbind";
        /// <summary>Wait for requests in progress to finish.</summary>
        public const string ServiceRequestsDone = "service-requests-done";
        /// <summary>Final shutdown of service endpoints.</summary>
        public const string ServiceStop = "service-stop";
        /// <summary>Before the cluster work starts.</summary>
        public const string BeforeClusterShutdown = "before-cluster-shutdown";
        /// <summary>Hand off the shards of this node's shard regions.</summary>
        public const string ClusterShardingShutdownRegion = "cluster-sharding-shutdown-region";
        /// <summary>Leave the cluster gracefully.</summary>
        public const string ClusterLeave = "cluster-leave";
        /// <summary>Wait for the member to be Exiting.</summary>
        public const string ClusterExiting = "cluster-exiting";
        /// <summary>Singletons hand over.</summary>
        public const string ClusterExitingDone = "cluster-exiting-done";
        /// <summary>Shut the cluster extension down.</summary>
        public const string ClusterShutdown = "cluster-shutdown";
        /// <summary>Last phase for application tasks.</summary>
        public const string BeforeActorSystemTerminate = "before-actor-system-terminate";
        /// <summary>The actor system terminates.</summary>
        public const string ActorSystemTerminate = "actor-system-terminate";

        /// <summary>All phases in execution order.</summary>
        public static IReadOnlyList<string> Ordered { get; } =
        [
            BeforeServiceUnbind, ServiceUnbind, ServiceRequestsDone, ServiceStop, BeforeClusterShutdown,
            ClusterShardingShutdownRegion, ClusterLeave, ClusterExiting, ClusterExitingDone, ClusterShutdown,
            BeforeActorSystemTerminate, ActorSystemTerminate,
        ];
    }

    private readonly ILogger _log;
    private readonly TimeSpan _defaultTimeout;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<(string Name, Func<CancellationToken, Task> Run)>> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> _timeouts = new(StringComparer.Ordinal);
    private Task? _run;

    internal CoordinatedShutdown(ILogger log, TimeSpan defaultTimeout)
    {
        _log = log;
        _defaultTimeout = defaultTimeout;
    }

    /// <summary>Why the shutdown runs, once it has started.</summary>
    public ShutdownReason? Reason { get; private set; }

    /// <summary>Adds a task to a phase; throws for unknown phases or once the shutdown has started.</summary>
    public void AddTask(string phase, string taskName, Func<CancellationToken, Task> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        CheckPhase(phase);
        lock (_lock)
        {
            if (_run is not null) throw new InvalidOperationException($"Coordinated shutdown already started; task '{taskName}' cannot be added to phase '{phase}'.");
            if (!_tasks.TryGetValue(phase, out var list)) _tasks[phase] = list = new();
            list.Add((taskName, task));
        }
    }

    /// <summary>Sets the timeout of one phase.</summary>
    public void SetPhaseTimeout(string phase, TimeSpan timeout)
    {
        CheckPhase(phase);
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A phase timeout must be positive.");
        lock (_lock) _timeouts[phase] = timeout;
    }

    /// <summary>Runs all phases (once; later calls return the same task).</summary>
    public Task RunAsync(ShutdownReason reason)
    {
        lock (_lock)
        {
            if (_run is not null) return _run;
            Reason = reason;
            _run = Task.Run(() => RunPhasesAsync(reason));
            return _run;
        }
    }

    private static void CheckPhase(string phase)
    {
        if (!Phases.Ordered.Contains(phase))
            throw new ArgumentException($"Unknown shutdown phase '{phase}'. Phases: {string.Join(", ", Phases.Ordered)}.", nameof(phase));
    }

    private async Task RunPhasesAsync(ShutdownReason reason)
    {
        _log.LogInformation("Coordinated shutdown started: {Reason}", reason);
        foreach (var phase in Phases.Ordered)
        {
            List<(string Name, Func<CancellationToken, Task> Run)> tasks;
            TimeSpan timeout;
            lock (_lock)
            {
                tasks = _tasks.TryGetValue(phase, out var list) ? [.. list] : [];
                timeout = _timeouts.TryGetValue(phase, out var t) ? t : _defaultTimeout;
            }
            if (tasks.Count == 0) continue;
            using var cts = new CancellationTokenSource(timeout);
            var running = tasks.Select(t => RunTaskAsync(phase, t.Name, t.Run, cts.Token)).ToArray();
            try
            {
                await Task.WhenAll(running).WaitAsync(timeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _log.LogWarning("Coordinated shutdown phase '{Phase}' timed out after {Timeout}; continuing with the next phase", phase, timeout);
            }
        }
        _log.LogInformation("Coordinated shutdown finished");
    }

    private async Task RunTaskAsync(string phase, string name, Func<CancellationToken, Task> run, CancellationToken token)
    {
        try
        {
            await run(token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.LogError(e, "Coordinated shutdown task '{Task}' in phase '{Phase}' failed", name, phase);
        }
    }
}

/// <summary>Why a node shuts down (shown in logs; the cluster layer adds its own reasons).</summary>
public sealed record ShutdownReason(string Description)
{
    /// <summary>ActorSystem.Terminate was called.</summary>
    public static ShutdownReason ActorSystemTerminate { get; } = new("actor system terminate");

    /// <summary>The process is exiting (e.g. SIGTERM).</summary>
    public static ShutdownReason ProcessExit { get; } = new("process exit");

    /// <inheritdoc />
    public override string ToString() => Description;
}
