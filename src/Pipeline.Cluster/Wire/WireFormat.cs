namespace Pipeline.Cluster.Wire;

/// <summary>Constants of the framing shared by the reader, the writer and the handshake.</summary>
public static class WireFormat
{
    /// <summary>Version of the wire protocol; the handshake refuses peers with another one.</summary>
    public const int ProtocolVersion = 2;

    /// <summary>Bytes of the little-endian length prefix.</summary>
    public const int LengthPrefixSize = 4;

    /// <summary>Bytes before the protobuf body: length prefix plus the kind byte.</summary>
    public const int HeaderSize = LengthPrefixSize + 1;

    /// <summary>Default largest frame (kind byte plus body) a node accepts: 4 MiB.</summary>
    public const int DefaultMaxFrameSize = 4 * 1024 * 1024;

    /// <summary>Largest frame accepted before the handshake has authenticated the peer.</summary>
    public const int HandshakeMaxFrameSize = 16 * 1024;

    /// <summary>Default number of strings (paths, manifests) each connection direction may index.</summary>
    public const int DefaultStringTableCapacity = 4096;

    /// <summary>Largest string the writer offers to the string table; longer ones always travel literally.</summary>
    public const int MaxIndexedStringLength = 512;
}
