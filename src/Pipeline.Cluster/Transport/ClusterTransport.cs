using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Handshake;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Transport;

/// <summary>
/// A node's TCP transport: listens for peers, dials them on demand, keeps one connection per node pair (when
/// both dial at once, the connection dialled by the lower address survives on both sides), queues outbound
/// messages per peer in bounded queues, and hands inbound frames to an <see cref="ITransportHandler"/>.
/// </summary>
public sealed class ClusterTransport : IAsyncDisposable
{
    private readonly TransportSettings _settings;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<NodeAddress, Association> _associations = new();
    private readonly ConcurrentDictionary<Connection, Task> _readers = new();
    private readonly ConcurrentDictionary<long, byte> _quarantined = new();
    private readonly CancellationTokenSource _shutdown = new();
    private HandshakeProtocol? _handshake;
    private TransportMetrics? _metrics;
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private Task _readerGuard = Task.CompletedTask;
    private readonly SemaphoreSlim _handshakeSlots;
    private long _handshakesTurnedAway;
    private long _readersTakenOver;
    private volatile bool _blackholed;
    private int _disposed;

    /// <summary>Creates a transport; call <see cref="StartAsync"/> to bind and listen.</summary>
    public ClusterTransport(TransportSettings settings, ITransportHandler handler, ILogger<ClusterTransport>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(handler);
        settings.Validate();
        _settings = settings;
        Handler = handler;
        _logger = logger ?? NullLogger<ClusterTransport>.Instance;
        _handshakeSlots = new SemaphoreSlim(settings.MaxPendingHandshakes);
    }

    /// <summary>This node's incarnation (the port is the bound one); valid after <see cref="StartAsync"/>.</summary>
    public UniqueAddress LocalAddress { get; private set; }

    /// <summary>Peers with a live connection now.</summary>
    public IReadOnlyList<UniqueAddress> Associated =>
        _associations.Values.Select(a => a.Current).OfType<Connection>().Select(c => c.Remote).ToList();

    /// <summary>True while the partition test hook drops all traffic (see <see cref="SetBlackhole"/>).</summary>
    public bool IsBlackholed => _blackholed;

    internal ITransportHandler Handler { get; }

    /// <summary>Messages and system frames encoded, socket writes and bytes written by the open connections so far (benchmarks read how well writes batch).</summary>
    internal (long Frames, long Writes, long Bytes) WriteCounters() =>
        (_readers.Keys.Sum(c => c.FramesWritten), _readers.Keys.Sum(c => c.SocketWrites), _readers.Keys.Sum(c => c.BytesWritten));

    /// <summary>Socket writes of the open connections that had to wait for room in the send buffer.</summary>
    internal long DeferredWrites() => _readers.Keys.Sum(c => c.DeferredWrites);

    /// <summary>Frames the open connections' readers encoded straight into their frame buffers (replies of inline turns).</summary>
    internal long DirectFrames() => _readers.Keys.Sum(c => c.DirectFrames);

    /// <summary>Actor turns the open connections' readers ran on their own threads so far.</summary>
    internal long InlineTurns() => _readers.Keys.Sum(c => c.InlineTurns);

    /// <summary>Inbound connections closed at once because <see cref="TransportSettings.MaxPendingHandshakes"/> were in progress.</summary>
    internal long HandshakesTurnedAway => Interlocked.Read(ref _handshakesTurnedAway);

    /// <summary>Readers replaced so far because an actor turn they ran held them too long.</summary>
    internal long ReadersTakenOver => Interlocked.Read(ref _readersTakenOver);

    /// <summary>How many strings each open connection's writer has indexed (tests check what gets indexed).</summary>
    internal IReadOnlyList<int> StringTableCounts() => _readers.Keys.Select(c => c.OutboundStrings).ToList();

    /// <summary>Open connections after the handshake (current ones plus any being retired).</summary>
    internal int ConnectionCount => _readers.Count;

    /// <summary>Binds the listening socket and starts accepting peers.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_listener is not null) throw new InvalidOperationException("The transport is already started.");
        var ip = IPAddress.TryParse(_settings.Host, out var parsed) ? parsed : IPAddress.Any;
        var listener = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(ip, _settings.Port));
            listener.Listen(512);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new InvalidOperationException($"Cannot listen on {_settings.Host}:{_settings.Port}: {ex.Message}. Pick a free port (or 0 for any).", ex);
        }
        _listener = listener;
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        LocalAddress = new UniqueAddress(new NodeAddress(_settings.SystemName, _settings.Host, port),
            _settings.Uid != 0 ? _settings.Uid : UniqueAddress.NewUid());
        _handshake = new HandshakeProtocol(new HandshakeIdentity(LocalAddress, _settings.Secret, _settings.ProtocolVersion), _settings.MaxFrameSize);
        _metrics = new TransportMetrics(LocalAddress.ToString(), QueueDepths, QueueDrops);
        _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
        if (_settings.InlineTurnBudget > TimeSpan.Zero) _readerGuard = Task.Run(GuardReadersAsync, CancellationToken.None);
        _logger.LogInformation("Cluster transport {Address} listening{Tls}", LocalAddress, _settings.Tls is null ? "" : " with TLS");
        return Task.CompletedTask;
    }

    /// <summary>
    /// Queues a user message for <paramref name="to"/>, dialling it if needed. Never blocks: a full queue applies
    /// the configured <see cref="OverflowPolicy"/> (<see cref="OutboundQueueFullException"/> for Fail).
    /// </summary>
    public EnqueueResult Send(NodeAddress to, in OutboundMessage message) => Send(GetAssociation(to), message);

    /// <summary>
    /// A handle on the peer at <paramref name="to"/> whose sends skip the address lookup (remote actor refs
    /// keep one). Handles stay valid across reconnects and restarts of the peer.
    /// </summary>
    public RemotePeer Peer(NodeAddress to) => GetAssociation(to).Peer ??= new RemotePeer(this, GetAssociation(to));

    /// <summary>Queues a system frame (watch, unwatch, terminated, heartbeat, disconnect) for <paramref name="to"/>; false when dropped.</summary>
    public bool SendSystem(NodeAddress to, SystemFrame frame) => SendSystem(GetAssociation(to), frame);

    internal EnqueueResult Send(Association association, in OutboundMessage message)
    {
        CheckFrameSize(message);
        if (_blackholed) return EnqueueResult.DroppedNewest;
        // a reply sent by a turn this connection's reader runs goes straight into its frame buffer
        if (TryWriteDirect(association, message)) return EnqueueResult.Enqueued;
        var result = association.Queue.Enqueue(message);
        if (association.Current is null) EnsureConnecting(association);
        return result;
    }

    /// <summary>Encodes <paramref name="message"/> straight into the frame buffer when the caller is the reader of the association's connection running a turn (see <see cref="Connection.TryWriteDirect"/>).</summary>
    internal bool TryWriteDirect(Association association, in OutboundMessage message) =>
        !_blackholed && association.Current is { } connection && connection.TryWriteDirect(message);

    internal bool SendSystem(Association association, SystemFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (_blackholed) return false;
        var queued = association.Queue.EnqueueSystem(frame);
        if (association.Current is null) EnsureConnecting(association);
        return queued;
    }

    /// <summary>Dials <paramref name="to"/> (retrying with back-off) until a handshake succeeds; returns the peer's incarnation.</summary>
    public async Task<UniqueAddress> ConnectAsync(NodeAddress to, CancellationToken cancellationToken)
    {
        var association = GetAssociation(to);
        lock (association) association.PendingConnects++;
        try
        {
            EnsureConnecting(association);
            return await association.Connected.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (association) association.PendingConnects--;
        }
    }

    /// <summary>The outbound queue to <paramref name="to"/> (for its depth and drop counters), or null if never used.</summary>
    public OutboundQueue? QueueOf(NodeAddress to) => _associations.TryGetValue(to, out var a) ? a.Queue : null;

    /// <summary>
    /// Refuses an incarnation from now on (a node declared Down must not come back under the same uid) and
    /// closes its connection.
    /// </summary>
    public async Task QuarantineAsync(UniqueAddress node)
    {
        _quarantined[node.Uid] = 0;
        _logger.LogWarning("Quarantining {Node}: its connections are closed and it cannot associate again", node);
        // a connection adopted a moment ago may not be among the readers yet: the associations' current ones count too
        var connections = _readers.Keys.Where(c => c.Remote == node)
            .Concat(_associations.Values.Select(a => a.Current).OfType<Connection>().Where(c => c.Remote == node))
            .Distinct()
            .ToList();
        foreach (var connection in connections) await connection.CloseAsync().ConfigureAwait(false);
    }

    /// <summary>Test hook for partition tests: while on, every inbound frame is ignored and every send is dropped.</summary>
    public void SetBlackhole(bool on)
    {
        _blackholed = on;
        _logger.LogWarning("Transport {Address} blackhole {State}", LocalAddress, on ? "ON (dropping all traffic)" : "off");
    }

    /// <summary>
    /// Stops listening, tells every connected peer (a <c>Disconnect</c> frame after what is already queued),
    /// flushes for up to <see cref="TransportSettings.ShutdownFlushTimeout"/>, then closes every connection.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _listener?.Dispose();
        var connected = _associations.Values.Select(a => (Association: a, Connection: a.Current)).Where(p => p.Connection is not null).ToList();
        var farewell = new SystemFrame { Disconnect = new Disconnect { Reason = $"{LocalAddress} is shutting down" } };
        var flushed = Task.WhenAll(connected.Select(p => p.Connection!.RetireAsync(drainQueue: true, farewell)));
        await Task.WhenAny(flushed, Task.Delay(_settings.ShutdownFlushTimeout)).ConfigureAwait(false);
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _acceptLoop.ConfigureAwait(false);
        await _readerGuard.ConfigureAwait(false);
        foreach (var connection in _readers.Keys) await connection.CloseAsync().ConfigureAwait(false);
        await Task.WhenAll(_readers.Values).ConfigureAwait(false);
        _metrics?.Dispose();
    }

    /// <summary>Test hook: writes raw bytes on the current connection to <paramref name="to"/>, bypassing the codec.</summary>
    internal async Task InjectRawAsync(NodeAddress to, byte[] bytes)
    {
        var connection = (_associations.TryGetValue(to, out var association) ? association.Current : null)
            ?? throw new InvalidOperationException($"No connection to {to}.");
        await connection.Stream.WriteAsync(bytes).ConfigureAwait(false);
        await connection.Stream.FlushAsync().ConfigureAwait(false);
    }

    internal void OnWriterFailed(Connection connection, Exception error)
    {
        _logger.LogDebug(error, "Writing to {Peer} failed", connection.Remote);
        _ = connection.CloseAsync();
    }

    private Association GetAssociation(NodeAddress to)
    {
        if (_handshake is null) throw new InvalidOperationException("Start the transport (StartAsync) before sending.");
        if (to == LocalAddress.Address) throw new ArgumentException($"{to} is this node; deliver local messages locally.", nameof(to));
        if (to.System != LocalAddress.Address.System)
            throw new ArgumentException($"{to} belongs to system '{to.System}', this node to '{LocalAddress.Address.System}'.", nameof(to));
        return _associations.GetOrAdd(to, static (address, settings) =>
            new Association(address, new OutboundQueue(address.ToString(), settings.OutboundQueueCapacity, settings.OverflowPolicy, settings.SystemQueueCapacity)), _settings);
    }

    private void CheckFrameSize(in OutboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message.TargetPath);
        ArgumentNullException.ThrowIfNull(message.Manifest);
        // a message serialized on the writer is checked there, once its size is known
        if (message.Serializer is not null) return;
        var worst = 64L + message.Payload.Length + 3L * (message.TargetPath.Length + (message.SenderPath?.Length ?? 0) + message.Manifest.Length);
        if (worst > _settings.MaxFrameSize)
            throw new ArgumentException($"Message to {message.TargetPath} with a {message.Payload.Length}-byte payload exceeds the maximum frame size of {_settings.MaxFrameSize} bytes; send smaller messages or raise MaxFrameSize on every node.", nameof(message));
    }

    private void EnsureConnecting(Association association)
    {
        lock (association)
        {
            if (association.Current is not null || association.Connecting || _shutdown.IsCancellationRequested) return;
            association.Connecting = true;
        }
        _ = Task.Run(() => DialLoopAsync(association), CancellationToken.None);
    }

    private async Task DialLoopAsync(Association association)
    {
        var backoff = _settings.ReconnectBackoff;
        while (!_shutdown.IsCancellationRequested)
        {
            try
            {
                var connection = await DialAsync(association.Remote).ConfigureAwait(false);
                Adopt(connection, association);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_shutdown.IsCancellationRequested)
            {
                LogConnectFailure(association.Remote.ToString(), ex);
                if (ex is SocketException { SocketErrorCode: SocketError.ConnectionRefused } && Handler is IConnectionRefusedObserver observer)
                    observer.OnConnectionRefused(association.Remote);
            }
            try
            {
                await Task.Delay(backoff, _shutdown.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _settings.MaxReconnectBackoff.Ticks));
            lock (association)
            {
                if (association.Current is not null || (association.Queue.Depth == 0 && association.Queue.SystemDepth == 0 && association.PendingConnects == 0))
                {
                    association.Connecting = false;
                    return;
                }
            }
        }
        lock (association) association.Connecting = false;
    }

    /// <summary>
    /// Dials and runs the handshake: with <see cref="DescriptorStream"/> on a thread of its own (its connect and
    /// reads wait on the calling thread, which must not be a thread-pool worker).
    /// </summary>
    private Task<Connection> DialAsync(NodeAddress remote) => DirectIo
        ? Task.Factory.StartNew(() => DialCoreAsync(remote), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()
        : DialCoreAsync(remote);

    private async Task<Connection> DialCoreAsync(NodeAddress remote)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        deadline.CancelAfter(_settings.HandshakeTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Connection? connection = null;
        try
        {
            if (DirectIo) ConnectDirect(socket, remote, deadline.Token);
            else await socket.ConnectAsync(remote.Host, remote.Port, deadline.Token).ConfigureAwait(false);
            var stream = await WrapAsync(socket, remote.Host, isServer: false, deadline.Token).ConfigureAwait(false);
            connection = new Connection(socket, stream, isOutbound: true, _settings, this);
            connection.Remote = await _handshake!.InitiateAsync(stream, connection.Reader, remote, Admit, deadline.Token).ConfigureAwait(false);
            connection.Reader.MaxFrameSize = _settings.MaxFrameSize;
            return connection;
        }
        catch
        {
            await CloseUnadoptedAsync(connection, socket).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task CloseUnadoptedAsync(Connection? connection, Socket socket)
    {
        if (connection is null)
        {
            socket.Dispose();
            return;
        }
        await connection.CloseAsync().ConfigureAwait(false);
        await connection.Reader.DisposeAsync().ConfigureAwait(false);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_shutdown.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptAsync(_shutdown.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || _shutdown.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                _logger.LogDebug(ex, "Accept failed");
                continue;
            }
            socket.NoDelay = true;
            if (!DirectIo)
            {
                _ = Task.Run(() => AcceptPeerAsync(socket), CancellationToken.None);
                continue;
            }
            // with DescriptorStream the handshake's reads wait on the calling thread: a thread of its own, not a pool
            // worker; so that connections which never complete a handshake cannot pile up threads, at most
            // MaxPendingHandshakes wait at once and any more are closed straight away (a real peer dials again)
            if (!_handshakeSlots.Wait(0))
            {
                _logger.LogWarning("Closed a connection from {Endpoint}: {Count} handshakes are already in progress (MaxPendingHandshakes)",
                    socket.RemoteEndPoint?.ToString() ?? "unknown endpoint", _settings.MaxPendingHandshakes);
                Interlocked.Increment(ref _handshakesTurnedAway);
                socket.Dispose();
                continue;
            }
            _ = Task.Factory.StartNew(async () =>
            {
                try
                {
                    await AcceptPeerAsync(socket).ConfigureAwait(false);
                }
                finally
                {
                    _handshakeSlots.Release();
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        }
    }

    private async Task AcceptPeerAsync(Socket socket)
    {
        var endpoint = socket.RemoteEndPoint?.ToString() ?? "unknown endpoint";
        Connection? connection = null;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
            deadline.CancelAfter(_settings.HandshakeTimeout);
            var stream = await WrapAsync(socket, _settings.Host, isServer: true, deadline.Token).ConfigureAwait(false);
            connection = new Connection(socket, stream, isOutbound: false, _settings, this);
            connection.Remote = await _handshake!.AcceptAsync(stream, connection.Reader, AdmitInbound, deadline.Token).ConfigureAwait(false);
            connection.Reader.MaxFrameSize = _settings.MaxFrameSize;
            Adopt(connection, GetAssociation(connection.Remote.Address));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_shutdown.IsCancellationRequested)
        {
            LogConnectFailure(endpoint, ex);
            await CloseUnadoptedAsync(connection, socket).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await CloseUnadoptedAsync(connection, socket).ConfigureAwait(false);
        }
    }

    /// <summary>Whether connections use <see cref="DescriptorStream"/> (see <see cref="TransportSettings.DirectSocketIo"/>).</summary>
    private bool DirectIo => _settings.DirectSocketIo && DescriptorStream.IsSupported;

    /// <summary>
    /// Connects with the blocking call (the caller runs on a thread of its own), so that the socket never meets
    /// .NET's socket engine: an asynchronous connect would register it with the runtime's epoll thread for good.
    /// The deadline closes the socket, which ends a connect that hangs.
    /// </summary>
    private static void ConnectDirect(Socket socket, NodeAddress remote, CancellationToken deadline)
    {
        using var abort = deadline.Register(static s => ((Socket)s!).Dispose(), socket);
        try
        {
            socket.Connect(remote.Host, remote.Port);
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException && deadline.IsCancellationRequested)
        {
            deadline.ThrowIfCancellationRequested();
        }
    }

    private async Task<Stream> WrapAsync(Socket socket, string host, bool isServer, CancellationToken cancellationToken)
    {
        Stream network = DirectIo ? new DescriptorStream(socket) : new NetworkStream(socket, ownsSocket: false);
        if (_settings.Tls is not { } tls) return network;
        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        RemoteCertificateValidationCallback validate = tls.ValidatePeer ?? ((_, certificate, _, errors) => tls.DefaultValidate(certificate, errors));
        try
        {
            if (isServer)
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = tls.Certificate,
                    ClientCertificateRequired = true,
                    RemoteCertificateValidationCallback = validate,
                }, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    ClientCertificates = new X509CertificateCollection { tls.Certificate },
                    RemoteCertificateValidationCallback = validate,
                }, cancellationToken).ConfigureAwait(false);
            }
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Adopt(Connection connection, Association association)
    {
        connection.Attach(association);
        Connection? loser = null;
        UniqueAddress? replaced = null;
        var associated = false;
        lock (association)
        {
            if (connection.IsOutbound) association.Connecting = false;
            if (_quarantined.ContainsKey(connection.Remote.Uid))
            {
                _logger.LogWarning("Refusing {Peer}: it is quarantined", connection.Remote);
                loser = connection;
            }
            else
            {
                if (association.Current is { } previous && previous.Remote.Uid != connection.Remote.Uid) replaced = previous.Remote;
                (loser, associated) = Choose(connection, association);
            }
        }
        if (replaced is { } old)
        {
            _logger.LogInformation("{Peer} restarted as a new incarnation {New}", old, connection.Remote);
            Handler.OnDisassociated(old, "the node restarted as a new incarnation");
        }
        StartReading(connection, association);
        if (loser is not null)
        {
            _logger.LogDebug("Duplicate connection with {Peer}: keeping the current one", connection.Remote);
            _ = loser.RetireAsync();
        }
        if (associated)
        {
            _logger.LogInformation("Associated with {Peer} ({Direction})", connection.Remote, connection.IsOutbound ? "outbound" : "inbound");
            Handler.OnAssociated(connection.Remote);
        }
    }

    private (Connection? Loser, bool Associated) Choose(Connection connection, Association association)
    {
        Connection? loser;
        var associated = false;
        var current = association.Current;
        if (current is null || current.Remote.Uid != connection.Remote.Uid)
        {
            loser = current;
            associated = true;
        }
        else if (IsPreferred(connection) || !IsPreferred(current))
        {
            loser = current;
        }
        else
        {
            loser = connection;
        }
        if (ReferenceEquals(loser, connection)) return (loser, associated);
        association.SetCurrent(connection);
        // the new writer starts once the old one has flushed, so that one sender's messages stay in order
        var retired = loser is null ? Task.CompletedTask : loser.RetireAsync();
        connection.StartWriter(association.Queue, retired);
        return (null, associated);
    }

    private string? Admit(UniqueAddress peer) => _quarantined.ContainsKey(peer.Uid) ? $"{peer} is quarantined (declared down)" : null;

    /// <summary>
    /// Admission of an inbound connection, decided before the handshake's acceptance so that a duplicate never
    /// carries traffic: one connection per node pair, and when both nodes dial at once the lower address's dial wins.
    /// </summary>
    private string? AdmitInbound(UniqueAddress peer)
    {
        if (Admit(peer) is { } refusal) return refusal;
        if (!_associations.TryGetValue(peer.Address, out var association)) return null;
        lock (association)
        {
            if (association.Current is { } current && current.Remote.Uid == peer.Uid)
                return HandshakeProtocol.DuplicateReason + ": already connected";
            if (association.Connecting && NodeAddress.Compare(LocalAddress.Address, peer.Address) < 0)
                return HandshakeProtocol.DuplicateReason + ": both nodes dialled, the connection dialled by the lower address wins";
        }
        return null;
    }

    private bool IsPreferred(Connection connection)
    {
        var localIsLower = NodeAddress.Compare(LocalAddress.Address, connection.Remote.Address) < 0;
        return connection.IsOutbound == localIsLower;
    }

    /// <summary>
    /// Starts a connection's reading task: on a thread of its own with <see cref="DescriptorStream"/> (its reads
    /// wait on that thread), on the thread pool otherwise.
    /// </summary>
    private void StartReading(Connection connection, Association association) =>
        _readers[connection] = DirectIo
            ? Task.Factory.StartNew(() => ReadLoopAsync(connection, association), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()
            : Task.Run(() => ReadLoopAsync(connection, association), CancellationToken.None);

    /// <summary>
    /// Watches the connections' readers: a reader that runs actors' turns inline (see
    /// <see cref="TransportSettings.InlineTurnBudget"/>) and is held by one turn for longer than
    /// <see cref="TransportSettings.InlineTurnStallTimeout"/> is replaced by a new reading task, so that heartbeats
    /// and every other actor's messages keep flowing while a blocking actor finishes its turn.
    /// </summary>
    private async Task GuardReadersAsync()
    {
        var stall = _settings.InlineTurnStallTimeout;
        using var timer = new PeriodicTimer(stall / 2);
        try
        {
            while (await timer.WaitForNextTickAsync(_shutdown.Token).ConfigureAwait(false))
            {
                foreach (var connection in _readers.Keys)
                {
                    if (!connection.TryTakeOverStuckReader(stall, out var actor) || connection.Association is not { } association) continue;
                    _metrics?.ReaderTakenOver();
                    Interlocked.Increment(ref _readersTakenOver);
                    _logger.LogWarning(
                        "A turn of {Actor}, run by the reader of the connection with {Peer}, took longer than {Stall} ms; reading goes on in a new task. Actors that block belong on their own dispatcher (e.g. pinned)",
                        actor?.ToString() ?? "an actor", connection.Remote, (int)stall.TotalMilliseconds);
                    StartReading(connection, association);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the transport stops
        }
    }

    private async Task ReadLoopAsync(Connection connection, Association association)
    {
        var reason = "peer closed the connection";
        try
        {
            // false: a stuck turn made the guard hand reading to a new task, which owns the connection from here on
            if (!await connection.Reader.RunAsync(connection, _shutdown.Token).ConfigureAwait(false)) return;
        }
        catch (WireProtocolException ex)
        {
            reason = "protocol violation: " + ex.Message;
            _metrics?.ProtocolViolation();
            _logger.LogWarning("Closing the connection with {Peer}: {Reason}", connection.Remote, reason);
        }
        catch (Exception ex)
        {
            // any other failure of this one connection (socket errors, TLS, a throwing handler) ends only it
            reason = $"connection failed: {ex.GetType().Name}: {ex.Message}";
            _logger.LogDebug(ex, "Connection with {Peer} failed", connection.Remote);
        }
        await connection.CloseAsync().ConfigureAwait(false);
        await connection.Reader.DisposeAsync().ConfigureAwait(false);
        _readers.TryRemove(connection, out _);
        bool lost;
        lock (association) lost = association.ClearIfCurrent(connection);
        if (!lost || _shutdown.IsCancellationRequested) return;
        _logger.LogInformation("Disassociated from {Peer}: {Reason}", connection.Remote, reason);
        Handler.OnDisassociated(connection.Remote, reason);
        if (association.Queue.Depth > 0 || association.Queue.SystemDepth > 0) EnsureConnecting(association);
    }

    private void LogConnectFailure(string peer, Exception ex)
    {
        switch (ex)
        {
            case HandshakeRefusedException { IsDuplicate: true }:
                _logger.LogDebug("Connection with {Peer} not needed: {Reason}", peer, ex.Message);
                break;
            case HandshakeRefusedException refused:
                _metrics?.HandshakeRefused();
                _logger.LogWarning("Handshake between {Local} and {Peer} refused: {Reason}", LocalAddress, peer, refused.Message);
                break;
            case WireProtocolException violation:
                _metrics?.ProtocolViolation();
                _logger.LogWarning("Closing the connection with {Peer} during the handshake: protocol violation: {Reason}", peer, violation.Message);
                break;
            case AuthenticationException tlsError:
                _logger.LogWarning("TLS with {Peer} failed: {Reason}", peer, tlsError.Message);
                break;
            case OperationCanceledException:
                _logger.LogWarning("Connection with {Peer} timed out before the handshake completed ({Timeout})", peer, _settings.HandshakeTimeout);
                break;
            default:
                _logger.LogDebug(ex, "Connection with {Peer} failed", peer);
                break;
        }
    }

    private IEnumerable<Measurement<long>> QueueDepths() =>
        _associations.Values.Select(a => new Measurement<long>(a.Queue.Depth, new KeyValuePair<string, object?>("peer", a.Remote.ToString())));

    private IEnumerable<Measurement<long>> QueueDrops() =>
        _associations.Values.Select(a => new Measurement<long>(a.Queue.Dropped + a.Queue.Rejected, new KeyValuePair<string, object?>("peer", a.Remote.ToString())));
}
