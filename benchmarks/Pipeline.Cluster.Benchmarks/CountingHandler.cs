using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Transport;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Benchmarks;

/// <summary>Counts envelopes and payload bytes; completes a signal when the expected count arrives.</summary>
internal sealed class CountingHandler : ITransportHandler
{
    private long _count;
    private long _target = long.MaxValue;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Count => Volatile.Read(ref _count);

    public UniqueAddress? LastSender { get; private set; }

    public Task Expect(long total)
    {
        _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _target, total);
        if (Count >= total) _reached.TrySetResult();
        return _reached.Task;
    }

    public void OnEnvelope(UniqueAddress from, in InboundEnvelope envelope)
    {
        if (envelope.Payload.Length == 0) return;
        LastSender = from;
        var n = ++_count;
        if (n >= Volatile.Read(ref _target)) _reached.TrySetResult();
    }

    public void OnSystemFrame(UniqueAddress from, SystemFrame frame) { }

    public void OnAssociated(UniqueAddress remote) { }

    public void OnDisassociated(UniqueAddress remote, string reason) { }
}
