namespace Pipeline.Cluster.Wire;

/// <summary>
/// A decoded envelope run (<see cref="FrameKind.EnvelopeRun"/>): the header its messages share (target, sender,
/// serializer, manifest) and their payloads, taken one by one with <see cref="TryNext"/> (or <see cref="TryNextEnvelope"/>), so that a handler
/// resolves the target and the sender once per run instead of once per message. Valid only during the
/// inbound callback: the payloads point into the connection's receive buffer.
/// </summary>
public ref struct InboundEnvelopeRun
{
    private readonly ReadOnlySpan<byte> _payloads;
    private int _pos;

    internal InboundEnvelopeRun(InboundEnvelope header, ReadOnlySpan<byte> payloads)
    {
        Header = header;
        _payloads = payloads;
    }

    /// <summary>What every message of the run shares; its <see cref="InboundEnvelope.Payload"/> is empty.</summary>
    public InboundEnvelope Header { get; }

    /// <summary>Takes the next message's payload; false when the run is over. A malformed length is a <see cref="WireProtocolException"/>.</summary>
    public bool TryNext(out ReadOnlySpan<byte> payload)
    {
        if (_pos >= _payloads.Length)
        {
            payload = default;
            return false;
        }
        payload = ProtoWire.ReadLengthDelimited(_payloads, ref _pos);
        return true;
    }

    /// <summary>The next message as a whole envelope (the header with the next payload); false when the run is over.</summary>
    public bool TryNextEnvelope(out InboundEnvelope envelope)
    {
        if (!TryNext(out var payload))
        {
            envelope = default;
            return false;
        }
        envelope = Header.WithPayload(payload);
        return true;
    }
}
