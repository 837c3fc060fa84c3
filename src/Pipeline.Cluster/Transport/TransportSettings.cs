using Pipeline.Cluster.Wire;

namespace Pipeline.Cluster.Transport;

/// <summary>Settings of one node's TCP transport. Every node of a cluster needs the same secret, system name and protocol.</summary>
public sealed record TransportSettings
{
    /// <summary>Actor system (cluster) name; peers with another name are refused.</summary>
    public required string SystemName { get; init; }

    /// <summary>Host (name or IP) to bind and to advertise to peers.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port to listen on; 0 picks a free one (see <see cref="ClusterTransport.LocalAddress"/>).</summary>
    public int Port { get; init; }

    /// <summary>Shared cluster secret proven in the handshake with HMAC-SHA256; never sent.</summary>
    public required string Secret { get; init; }

    /// <summary>Incarnation uid; 0 means pick a fresh random one.</summary>
    public long Uid { get; init; }

    /// <summary>Largest frame accepted or sent (kind byte + protobuf body).</summary>
    public int MaxFrameSize { get; init; } = WireFormat.DefaultMaxFrameSize;

    /// <summary>User messages each peer's outbound queue holds before <see cref="OverflowPolicy"/> applies.</summary>
    public int OutboundQueueCapacity { get; init; } = 65_536;

    /// <summary>What a full outbound queue does.</summary>
    public OverflowPolicy OverflowPolicy { get; init; } = OverflowPolicy.DropNewest;

    /// <summary>System frames (heartbeats, death watch) each peer's queue holds; beyond it they are dropped and counted.</summary>
    public int SystemQueueCapacity { get; init; } = 4096;

    /// <summary>The writer sends its batch once it holds this many bytes (it also sends whenever the queue runs empty).</summary>
    public int FlushThresholdBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// On Linux, connections call recv/send/poll on their socket descriptors themselves (<c>DescriptorStream</c>):
    /// each connection's reader has a thread of its own that waits for data in poll, and no socket is watched by the
    /// runtime's epoll thread, which otherwise wakes on every arriving write. False uses .NET's NetworkStream.
    /// Ignored elsewhere.
    /// </summary>
    public bool DirectSocketIo { get; init; } = true;

    /// <summary>
    /// With <see cref="DirectSocketIo"/>, each inbound connection's handshake waits on a thread of its own: at most this
    /// many at once; a connection that arrives while they are all taken is closed at once (and logged), so that
    /// connections that never complete a handshake cannot pile up threads. A real peer dials again after its back-off.
    /// </summary>
    public int MaxPendingHandshakes { get; init; } = 64;

    /// <summary>Most bytes a connection's reader takes from the socket in one read (one burst of deliveries).</summary>
    public int ReadBufferBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// How long the writer may wait for more messages before sending a batch below <see cref="FlushThresholdBytes"/>.
    /// Zero (the default) sends as soon as the queue runs empty: batches then form from whatever accumulated
    /// while the previous write was in flight, which gives the lowest latency.
    /// </summary>
    public TimeSpan FlushDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// How long a connection's reader may spend running the turns of the local actors a read woke up, on its own
    /// thread, before it hands the rest to their dispatchers. Zero turns this off: every woken actor is scheduled
    /// on its dispatcher. Only actors on dispatchers that allow it (the default thread-pool one) run there.
    /// </summary>
    public TimeSpan InlineTurnBudget { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// How long one actor turn run by a connection's reader may hold it before a new task takes over reading the
    /// connection (the actor finishes its turn where it is; a warning names it). Keeps heartbeats and other
    /// actors' messages flowing past an actor that blocks.
    /// </summary>
    public TimeSpan InlineTurnStallTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Strings (paths, manifests) each connection direction indexes.</summary>
    public int StringTableCapacity { get; init; } = WireFormat.DefaultStringTableCapacity;

    /// <summary>Deadline for TCP connect, TLS and handshake together.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Wait before re-dialling a peer after a failed connect (doubles up to <see cref="MaxReconnectBackoff"/>).</summary>
    public TimeSpan ReconnectBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of the reconnect back-off.</summary>
    public TimeSpan MaxReconnectBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Protocol version announced in the handshake (tests change it to check refusals).</summary>
    internal int ProtocolVersion { get; init; } = WireFormat.ProtocolVersion;

    /// <summary>On dispose, how long queued messages and the Disconnect frame may take to leave before connections are cut.</summary>
    public TimeSpan ShutdownFlushTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>TLS settings; null for plain TCP.</summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first unusable setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Secret))
            throw new ArgumentException("TransportSettings.Secret is empty; set the same non-empty cluster secret on every node.");
        Check(MaxFrameSize >= 1024, nameof(MaxFrameSize), "at least 1024 bytes");
        Check(OutboundQueueCapacity >= 1, nameof(OutboundQueueCapacity), "at least 1");
        Check(SystemQueueCapacity >= 1, nameof(SystemQueueCapacity), "at least 1");
        Check(ReadBufferBytes is >= 4096 and <= 16 * 1024 * 1024, nameof(ReadBufferBytes), "between 4 KiB and 16 MiB");
        Check(FlushThresholdBytes >= 1, nameof(FlushThresholdBytes), "at least 1 byte");
        Check(FlushDelay >= TimeSpan.Zero && FlushDelay <= TimeSpan.FromSeconds(1), nameof(FlushDelay), "between 0 and 1 second");
        Check(InlineTurnBudget >= TimeSpan.Zero && InlineTurnBudget <= TimeSpan.FromSeconds(1), nameof(InlineTurnBudget), "between 0 and 1 second");
        Check(InlineTurnStallTimeout >= TimeSpan.FromMilliseconds(2) && InlineTurnStallTimeout <= TimeSpan.FromMinutes(1), nameof(InlineTurnStallTimeout), "between 2 ms and 1 minute");
        Check(StringTableCapacity >= 0, nameof(StringTableCapacity), "0 or more");
        Check(MaxPendingHandshakes >= 1, nameof(MaxPendingHandshakes), "at least 1");
        Check(HandshakeTimeout > TimeSpan.Zero, nameof(HandshakeTimeout), "positive");
        Check(ReconnectBackoff > TimeSpan.Zero && MaxReconnectBackoff >= ReconnectBackoff, nameof(ReconnectBackoff), "positive and not above MaxReconnectBackoff");
        Check(ShutdownFlushTimeout >= TimeSpan.Zero, nameof(ShutdownFlushTimeout), "zero or positive");
        Check(Enum.IsDefined(OverflowPolicy), nameof(OverflowPolicy), "DropNewest, DropOldest or Fail");
    }

    private static void Check(bool ok, string name, string rule)
    {
        if (!ok) throw new ArgumentException($"TransportSettings.{name} must be {rule}.");
    }
}
