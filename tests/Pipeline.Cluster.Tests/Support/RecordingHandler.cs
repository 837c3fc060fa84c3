using System.Collections.Concurrent;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Transport;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Tests.Support;

/// <summary>An <see cref="ITransportHandler"/> that records everything it receives.</summary>
public sealed class RecordingHandler : ITransportHandler
{
    public sealed record Received(UniqueAddress From, string Target, string? Sender, int SerializerId, string Manifest, byte[] Payload);

    private readonly ConcurrentQueue<Received> _envelopes = new();
    private readonly ConcurrentQueue<(UniqueAddress From, SystemFrame Frame)> _system = new();
    private readonly ConcurrentQueue<UniqueAddress> _associated = new();
    private readonly ConcurrentQueue<UniqueAddress> _disassociated = new();
    private long _count;

    public IReadOnlyList<Received> Envelopes => _envelopes.ToArray();

    public IReadOnlyList<(UniqueAddress From, SystemFrame Frame)> SystemFrames => _system.ToArray();

    public IReadOnlyList<UniqueAddress> AssociatedWith => _associated.ToArray();

    public IReadOnlyList<UniqueAddress> DisassociatedFrom => _disassociated.ToArray();

    public long Count => Interlocked.Read(ref _count);

    /// <summary>When false only the count is kept (for bulk traffic).</summary>
    public bool Keep { get; init; } = true;

    /// <summary>When set, every delivery holds the reading thread until the gate opens (a peer that stops reading).</summary>
    public ManualResetEventSlim? Gate { get; init; }

    public void OnEnvelope(UniqueAddress from, in InboundEnvelope envelope)
    {
        if (Gate is { } gate) SpinWait.SpinUntil(() => gate.IsSet, TimeSpan.FromMinutes(1));
        if (Keep) _envelopes.Enqueue(new Received(from, envelope.TargetPath, envelope.SenderPath, envelope.SerializerId, envelope.Manifest, envelope.Payload.ToArray()));
        Interlocked.Increment(ref _count);
    }

    public void OnSystemFrame(UniqueAddress from, SystemFrame frame) => _system.Enqueue((from, frame));

    public void OnAssociated(UniqueAddress remote) => _associated.Enqueue(remote);

    public void OnDisassociated(UniqueAddress remote, string reason) => _disassociated.Enqueue(remote);
}
