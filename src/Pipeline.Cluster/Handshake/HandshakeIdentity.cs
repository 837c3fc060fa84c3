using Pipeline.Cluster.Addressing;

namespace Pipeline.Cluster.Handshake;

/// <summary>What a node presents and expects in a handshake.</summary>
/// <param name="Local">This node's incarnation.</param>
/// <param name="Secret">Shared cluster secret; never sent, only proven.</param>
/// <param name="ProtocolVersion">Wire protocol version this node speaks.</param>
public sealed record HandshakeIdentity(UniqueAddress Local, string Secret, int ProtocolVersion);
