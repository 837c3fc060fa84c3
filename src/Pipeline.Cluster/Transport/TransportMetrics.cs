using System.Diagnostics.Metrics;

namespace Pipeline.Cluster.Transport;

/// <summary>
/// The transport's System.Diagnostics.Metrics instruments (meter "Pipeline.Cluster.Transport"): outbound queue
/// depth and drops per peer, protocol violations, refused handshakes and readers taken over from a stuck actor turn.
/// </summary>
internal sealed class TransportMetrics : IDisposable
{
    /// <summary>Name of the meter, for listeners and exporters.</summary>
    public const string MeterName = "Pipeline.Cluster.Transport";

    private readonly Meter _meter;
    private readonly Counter<long> _protocolViolations;
    private readonly Counter<long> _handshakesRefused;
    private readonly Counter<long> _readersTakenOver;

    public TransportMetrics(string localAddress, Func<IEnumerable<Measurement<long>>> depths, Func<IEnumerable<Measurement<long>>> drops)
    {
        _meter = new Meter(MeterName, null, [new KeyValuePair<string, object?>("node", localAddress)]);
        _meter.CreateObservableGauge("pipeline.cluster.outbound.queue_depth", depths, "{message}", "User messages waiting in a peer's outbound queue.");
        _meter.CreateObservableCounter("pipeline.cluster.outbound.dropped", drops, "{message}", "Messages dropped or refused by a full outbound queue.");
        _protocolViolations = _meter.CreateCounter<long>("pipeline.cluster.protocol_violations", "{connection}", "Connections closed for malformed frames.");
        _readersTakenOver = _meter.CreateCounter<long>("pipeline.cluster.readers_taken_over", "{reader}",
            "Connection readers replaced because an actor turn they ran inline took longer than the stall timeout.");
        _handshakesRefused = _meter.CreateCounter<long>("pipeline.cluster.handshakes_refused", "{connection}", "Handshakes refused (wrong secret, version, system).");
    }

    public void ProtocolViolation() => _protocolViolations.Add(1);

    public void HandshakeRefused() => _handshakesRefused.Add(1);

    public void ReaderTakenOver() => _readersTakenOver.Add(1);

    public void Dispose() => _meter.Dispose();
}
