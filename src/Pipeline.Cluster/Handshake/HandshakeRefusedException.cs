namespace Pipeline.Cluster.Handshake;

/// <summary>
/// A handshake ended without an association: wrong secret, incompatible protocol version, another system name,
/// an unexpected address, or a timeout. <see cref="Reason"/> names it; both sides log it.
/// </summary>
public sealed class HandshakeRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the handshake failed, in words an operator can act on.</param>
    /// <param name="refusedByPeer">True when the other side refused (its reason travelled in a refusal frame).</param>
    public HandshakeRefusedException(string reason, bool refusedByPeer)
        : base(refusedByPeer ? $"Handshake refused by the peer: {reason}" : $"Handshake refused: {reason}")
    {
        Reason = reason;
        RefusedByPeer = refusedByPeer;
    }

    /// <summary>Why the handshake failed.</summary>
    public string Reason { get; }

    /// <summary>True when the refusal only means a connection between the two nodes already exists or is being made.</summary>
    public bool IsDuplicate => Reason.StartsWith(HandshakeProtocol.DuplicateReason, StringComparison.Ordinal);

    /// <summary>True when the peer refused us; false when this side refused the peer.</summary>
    public bool RefusedByPeer { get; }
}
