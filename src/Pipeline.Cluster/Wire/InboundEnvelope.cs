namespace Pipeline.Cluster.Wire;

/// <summary>
/// A decoded user message, valid only during the inbound callback: <see cref="Payload"/> points into the
/// connection's receive buffer, so deserialize (or copy) it before returning.
/// </summary>
public readonly ref struct InboundEnvelope
{
    /// <summary>Creates a decoded envelope.</summary>
    public InboundEnvelope(string targetPath, string? senderPath, int serializerId, string manifest, ReadOnlySpan<byte> payload)
    {
        TargetPath = targetPath;
        SenderPath = senderPath;
        SerializerId = serializerId;
        Manifest = manifest;
        Payload = payload;
    }

    /// <summary>Path of the local actor the message is for.</summary>
    public string TargetPath { get; }

    /// <summary>Path of the remote sender, or null.</summary>
    public string? SenderPath { get; }

    /// <summary>Serializer registry id of the payload.</summary>
    public int SerializerId { get; }

    /// <summary>Type manifest for the serializer.</summary>
    public string Manifest { get; }

    /// <summary>Serialized message bytes, borrowed from the receive buffer.</summary>
    public ReadOnlySpan<byte> Payload { get; }
}
