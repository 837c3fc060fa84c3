using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.FailureDetection;

/// <summary>
/// Sends heartbeats to every monitored node each interval, feeds the responses into one phi-accrual detector
/// per node, and reports reachability changes. A node that never answers starts being measured after
/// <see cref="FailureDetectorSettings.ExpectedResponseAfter"/>, so it too becomes unreachable.
/// </summary>
public sealed class HeartbeatMonitor : IAsyncDisposable
{
    private sealed class Monitored(PhiAccrualFailureDetector detector, long startedAt)
    {
        public PhiAccrualFailureDetector Detector { get; } = detector;
        public long StartedAt { get; } = startedAt;
        public bool Unreachable { get; set; }
    }

    private readonly object _gate = new();
    private readonly Dictionary<UniqueAddress, Monitored> _nodes = new();
    private readonly FailureDetectorSettings _settings;
    private readonly IHeartbeatSender _sender;
    private readonly IReachabilityObserver _observer;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private long _sequence;

    /// <summary>Creates a monitor; <see cref="Start"/> begins the heartbeat loop (tests may call <see cref="Tick"/> instead).</summary>
    public HeartbeatMonitor(FailureDetectorSettings settings, IHeartbeatSender sender, IReachabilityObserver observer, TimeProvider? clock = null, ILogger<HeartbeatMonitor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(observer);
        settings.Validate();
        _settings = settings;
        _sender = sender;
        _observer = observer;
        _clock = clock ?? TimeProvider.System;
        _logger = logger ?? NullLogger<HeartbeatMonitor>.Instance;
    }

    /// <summary>Nodes monitored now.</summary>
    public IReadOnlyList<UniqueAddress> MonitoredNodes
    {
        get { lock (_gate) return _nodes.Keys.ToList(); }
    }

    /// <summary>Starts the periodic heartbeat loop.</summary>
    public void Start() => _loop = Task.Run(() => LoopAsync(_stop.Token));

    /// <summary>Starts monitoring <paramref name="node"/> (idempotent).</summary>
    public void Monitor(UniqueAddress node)
    {
        lock (_gate)
        {
            if (!_nodes.ContainsKey(node))
                _nodes[node] = new Monitored(new PhiAccrualFailureDetector(_settings, _clock), _clock.GetTimestamp());
        }
    }

    /// <summary>Stops monitoring <paramref name="node"/> (it left or was removed).</summary>
    public void Unmonitor(UniqueAddress node)
    {
        lock (_gate) _nodes.Remove(node);
    }

    /// <summary>Current phi of <paramref name="node"/> (0 when not monitored or not measured yet).</summary>
    public double Phi(UniqueAddress node)
    {
        lock (_gate) return _nodes.TryGetValue(node, out var m) ? m.Detector.Phi : 0.0;
    }

    /// <summary>Feeds a heartbeat response into the node's detector.</summary>
    public void OnHeartbeatResponse(UniqueAddress from)
    {
        Monitored? monitored;
        lock (_gate) _nodes.TryGetValue(from, out monitored);
        monitored?.Detector.Heartbeat();
    }

    /// <summary>One round: send heartbeats, then report reachability changes.</summary>
    public void Tick()
    {
        List<UniqueAddress> targets;
        lock (_gate) targets = _nodes.Keys.ToList();
        var heartbeat = new Heartbeat { Sequence = Interlocked.Increment(ref _sequence), SentAtTicks = _clock.GetUtcNow().UtcTicks };
        foreach (var node in targets) _sender.SendHeartbeat(node, heartbeat);
        CheckReachability();
    }

    /// <summary>Evaluates every detector and reports the nodes whose reachability changed.</summary>
    public void CheckReachability()
    {
        List<(UniqueAddress Node, bool Reachable)> changes = [];
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            foreach (var (node, m) in _nodes)
            {
                if (!m.Detector.IsMonitoring && _clock.GetElapsedTime(m.StartedAt, now) >= _settings.ExpectedResponseAfter)
                    m.Detector.Heartbeat(); // start measuring a node that never answered
                var available = m.Detector.IsAvailable;
                if (available == m.Unreachable)
                {
                    m.Unreachable = !available;
                    changes.Add((node, available));
                }
            }
        }
        foreach (var (node, reachable) in changes)
        {
            _logger.LogInformation("{Node} is {State} (phi {Phi:F1})", node, reachable ? "reachable again" : "unreachable", Phi(node));
            if (reachable) _observer.OnReachable(node);
            else _observer.OnUnreachable(node);
        }
    }

    /// <summary>Stops the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        // reachability is checked four times per heartbeat interval, so detection does not wait for the next send
        const int checksPerInterval = 4;
        using var timer = new PeriodicTimer(_settings.HeartbeatInterval / checksPerInterval, _clock);
        try
        {
            for (var tick = 0L; await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false); tick++)
            {
                if (tick % checksPerInterval == 0) Tick();
                else CheckReachability();
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }
}
