using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.FailureDetection;
using Pipeline.Cluster.Membership;
using Pipeline.Cluster.Membership.Events;
using Pipeline.Cluster.Membership.Store;
using Pipeline.Cluster.Transport;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;
using Pipeline.Runtime.Dispatch;

namespace Pipeline.Cluster;

/// <summary>
/// The cluster layer of one node without actors: the transport, heartbeats with phi-accrual failure detection,
/// and the membership agent, wired together. Members seen in the table are connected to and monitored; the
/// detector's verdicts become votes; Down members are quarantined on the transport. User traffic and death
/// watch frames go to the <see cref="ITransportHandler"/> given (the kernel's).
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly ClusterNodeSettings _settings;
    private readonly IMembershipStore _store;
    private readonly ILoggerFactory _loggers;
    private readonly Wiring _wiring;
    private MembershipAgent? _agent;
    private HeartbeatMonitor? _monitor;
    private IDisposable? _subscription;
    private int _disposed;

    /// <summary>Creates a node; <see cref="StartAsync"/> listens, joins and becomes Up.</summary>
    public ClusterNode(ClusterNodeSettings settings, IMembershipStore store, ITransportHandler handler, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(handler);
        _settings = settings;
        _store = store;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _wiring = new Wiring(this, handler);
        Transport = new ClusterTransport(settings.Transport, _wiring, _loggers.CreateLogger<ClusterTransport>());
    }

    /// <summary>The node's transport (send user messages and system frames with it).</summary>
    public ClusterTransport Transport { get; }

    /// <summary>The membership agent (events, state, fencing); available after <see cref="StartAsync"/>.</summary>
    public MembershipAgent Membership => _agent ?? throw new InvalidOperationException("Start the cluster node first.");

    /// <summary>This incarnation; available after <see cref="StartAsync"/>.</summary>
    public UniqueAddress Self => Transport.LocalAddress;

    /// <summary>Listens, registers in the store, connects to the live members and becomes Up.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ListenAsync(cancellationToken).ConfigureAwait(false);
        await JoinAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// First half of <see cref="StartAsync"/>: binds the transport, so that <see cref="Self"/> (with the bound port)
    /// is known before any peer can reach this node (the actor system takes it as its public address).
    /// </summary>
    public Task ListenAsync(CancellationToken cancellationToken) => Transport.StartAsync(cancellationToken);

    /// <summary>Second half of <see cref="StartAsync"/>: registers in the store, connects to the live members and becomes Up.</summary>
    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        _agent = new MembershipAgent(_store, Self, _settings.Membership, _wiring, logger: _loggers.CreateLogger<MembershipAgent>());
        _monitor = new HeartbeatMonitor(_settings.FailureDetector, _wiring, _agent, logger: _loggers.CreateLogger<HeartbeatMonitor>());
        _subscription = _agent.Subscribe(OnClusterEvent);
        _monitor.Start();
        await _agent.JoinAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Leaves gracefully (Leaving → hand-over → Exiting → Removed), then stops.</summary>
    public async Task LeaveAsync(Func<CancellationToken, Task>? handOver, CancellationToken cancellationToken)
    {
        await Membership.LeaveAsync(handOver, cancellationToken).ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops heartbeats, the membership loop and the transport, without leaving (as a crash would look to the others).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _subscription?.Dispose();
        if (_monitor is not null) await _monitor.DisposeAsync().ConfigureAwait(false);
        if (_agent is not null) await _agent.DisposeAsync().ConfigureAwait(false);
        await Transport.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ProbeAsync(NodeAddress address)
    {
        using var deadline = new CancellationTokenSource(_settings.Transport.HandshakeTimeout);
        try
        {
            await Transport.ConnectAsync(address, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            // not back within the deadline (refusals were reported on the way), or this node is stopping
        }
    }

    private void OnClusterEvent(ClusterEvent e)
    {
        switch (e)
        {
            case CurrentClusterState state:
                foreach (var member in state.Members.Where(m => m.Node != Self && m.Status.IsLive())) _monitor?.Monitor(member.Node);
                break;
            case MemberJoined or MemberUp or MemberLeft or MemberExited when ((MemberEvent)e).Member.Node != Self:
                _monitor?.Monitor(((MemberEvent)e).Member.Node);
                break;
            case MemberDowned downed when downed.Member.Node != Self:
                _monitor?.Unmonitor(downed.Member.Node);
                _ = Transport.QuarantineAsync(downed.Member.Node);
                break;
            case MemberRemoved removed when removed.Member.Node != Self:
                _monitor?.Unmonitor(removed.Member.Node);
                _wiring.Forget(removed.Member.Node);
                break;
        }
    }

    /// <summary>The node's private glue between transport, monitor and agent.</summary>
    private sealed class Wiring(ClusterNode node, ITransportHandler user) : ITransportHandler, IMemberConnector, IHeartbeatSender, IConnectionRefusedObserver
    {
        // peers that said goodbye (a Disconnect frame: they are shutting down after leaving or being downed): their
        // closed port is expected, not evidence of a crash
        private readonly ConcurrentDictionary<UniqueAddress, byte> _departed = new();

        public void Forget(UniqueAddress remote) => _departed.TryRemove(remote, out _);

        public void OnConnectionRefused(NodeAddress address)
        {
            if (!node._settings.Membership.CountRefusedConnectionAsCrash || node._monitor is not { } monitor || node._agent is not { } agent) return;
            foreach (var member in monitor.MonitoredNodes.Where(n => n.Address == address && !_departed.ContainsKey(n))) agent.OnProcessGone(member);
        }

        public void OnEnvelope(UniqueAddress from, in InboundEnvelope envelope) => user.OnEnvelope(from, envelope);

        public void OnEnvelope(UniqueAddress from, in InboundEnvelope envelope, InlineTurnBatch turns) => user.OnEnvelope(from, envelope, turns);

        public void OnSystemFrame(UniqueAddress from, SystemFrame frame)
        {
            if (frame.BodyCase == SystemFrame.BodyOneofCase.HeartbeatResponse) node._monitor?.OnHeartbeatResponse(from);
            else
            {
                if (frame.BodyCase == SystemFrame.BodyOneofCase.Disconnect) _departed[from] = 0;
                user.OnSystemFrame(from, frame);
            }
        }

        public void OnAssociated(UniqueAddress remote)
        {
            node._agent?.OnConnected(remote);
            user.OnAssociated(remote);
        }

        public void OnDisassociated(UniqueAddress remote, string reason)
        {
            user.OnDisassociated(remote, reason);
            // a crashed process closes its connections at once: dial straight back, so that a refusal (nothing
            // listens there any more) is known now rather than at the next heartbeat
            if (!_departed.ContainsKey(remote) && node._monitor?.MonitoredNodes.Contains(remote) == true) _ = node.ProbeAsync(remote.Address);
        }

        public async Task ConnectAsync(Member member, CancellationToken cancellationToken)
        {
            await node.Transport.ConnectAsync(member.Node.Address, cancellationToken).ConfigureAwait(false);
            node._monitor?.Monitor(member.Node);
        }

        public bool SendHeartbeat(UniqueAddress to, Heartbeat heartbeat) =>
            node.Transport.SendSystem(to.Address, new SystemFrame { Heartbeat = heartbeat });
    }
}
