using Google.Protobuf;
using Pipeline.Cluster.Addressing;
using Pipeline.Cluster.Wire;
using Pipeline.Cluster.Wire.Protocol;

namespace Pipeline.Cluster.Handshake;

/// <summary>
/// The four-step handshake: Hello (client nonce) → Challenge (server identity, nonce, proof) → Proof (client
/// proof) → Accepted. Either side that finds a problem sends a Refused frame with the reason, so both sides can
/// log it, and throws <see cref="HandshakeRefusedException"/>.
/// </summary>
internal sealed class HandshakeProtocol
{
    /// <summary>Start of the refusal reason for a connection that would duplicate an existing one (not an error).</summary>
    public const string DuplicateReason = "duplicate connection";

    private readonly HandshakeIdentity _identity;
    private readonly SecretProof _proof;
    private readonly int _maxFrameSize;

    /// <summary>Creates the protocol for one node.</summary>
    public HandshakeProtocol(HandshakeIdentity identity, int maxFrameSize)
    {
        _identity = identity;
        _proof = new SecretProof(identity.Secret);
        _maxFrameSize = maxFrameSize;
    }

    /// <summary>Runs the connecting side; returns the peer's incarnation.</summary>
    /// <param name="stream">The connection.</param>
    /// <param name="reader">Frame reader of the connection.</param>
    /// <param name="expected">The address that was dialled; the peer must present it.</param>
    /// <param name="admit">Last word on the peer's identity: a refusal reason, or null to go on.</param>
    /// <param name="cancellationToken">Handshake deadline.</param>
    public async Task<UniqueAddress> InitiateAsync(Stream stream, FrameReader reader, NodeAddress expected, Func<UniqueAddress, string?> admit, CancellationToken cancellationToken)
    {
        var clientNonce = SecretProof.NewNonce();
        await SendAsync(stream, new SystemFrame
        {
            Hello = new HandshakeHello
            {
                System = _identity.Local.Address.System,
                ProtocolVersion = _identity.ProtocolVersion,
                From = ToProto(_identity.Local),
                ClientNonce = ByteString.CopyFrom(clientNonce),
            },
        }, cancellationToken).ConfigureAwait(false);

        var reply = await ReceiveAsync(reader, cancellationToken).ConfigureAwait(false);
        if (reply.BodyCase != SystemFrame.BodyOneofCase.Challenge)
            throw await RefuseAsync(stream, $"expected a handshake challenge, got {reply.BodyCase}", cancellationToken).ConfigureAwait(false);
        var challenge = reply.Challenge;
        var problem = CheckPeer(challenge.System, challenge.ProtocolVersion, challenge.From);
        var remote = problem is null ? FromProto(challenge.From) : default;
        if (problem is null && remote.Address != expected)
            problem = $"dialled {expected} but the node there is {remote.Address}";
        if (problem is null && (challenge.ServerNonce.Length != SecretProof.NonceSize
            || !SecretProof.Matches(_proof.ServerProof(clientNonce, challenge.ServerNonce.Span), challenge.ServerProof.Span)))
            problem = $"cluster secret mismatch: {expected} could not prove the shared secret";
        problem ??= admit(remote);
        if (problem is not null)
            throw await RefuseAsync(stream, problem, cancellationToken).ConfigureAwait(false);

        await SendAsync(stream, new SystemFrame
        {
            Proof = new HandshakeProof { ClientProof = ByteString.CopyFrom(_proof.ClientProof(clientNonce, challenge.ServerNonce.Span)) },
        }, cancellationToken).ConfigureAwait(false);

        var verdict = await ReceiveAsync(reader, cancellationToken).ConfigureAwait(false);
        if (verdict.BodyCase != SystemFrame.BodyOneofCase.Accepted)
            throw await RefuseAsync(stream, $"expected handshake acceptance, got {verdict.BodyCase}", cancellationToken).ConfigureAwait(false);
        return remote;
    }

    /// <summary>Runs the accepting side; returns the peer's incarnation.</summary>
    public async Task<UniqueAddress> AcceptAsync(Stream stream, FrameReader reader, Func<UniqueAddress, string?> admit, CancellationToken cancellationToken)
    {
        var first = await ReceiveAsync(reader, cancellationToken).ConfigureAwait(false);
        if (first.BodyCase != SystemFrame.BodyOneofCase.Hello)
            throw await RefuseAsync(stream, $"expected a handshake hello, got {first.BodyCase}", cancellationToken).ConfigureAwait(false);
        var hello = first.Hello;
        var problem = CheckPeer(hello.System, hello.ProtocolVersion, hello.From);
        if (problem is null && hello.ClientNonce.Length != SecretProof.NonceSize)
            problem = $"client nonce of {hello.ClientNonce.Length} bytes, expected {SecretProof.NonceSize}";
        if (problem is not null)
            throw await RefuseAsync(stream, problem, cancellationToken).ConfigureAwait(false);
        var remote = FromProto(hello.From);

        var serverNonce = SecretProof.NewNonce();
        await SendAsync(stream, new SystemFrame
        {
            Challenge = new HandshakeChallenge
            {
                System = _identity.Local.Address.System,
                ProtocolVersion = _identity.ProtocolVersion,
                From = ToProto(_identity.Local),
                ServerNonce = ByteString.CopyFrom(serverNonce),
                ServerProof = ByteString.CopyFrom(_proof.ServerProof(hello.ClientNonce.Span, serverNonce)),
            },
        }, cancellationToken).ConfigureAwait(false);

        var answer = await ReceiveAsync(reader, cancellationToken).ConfigureAwait(false);
        if (answer.BodyCase != SystemFrame.BodyOneofCase.Proof)
            throw await RefuseAsync(stream, $"expected a handshake proof, got {answer.BodyCase}", cancellationToken).ConfigureAwait(false);
        if (!SecretProof.Matches(_proof.ClientProof(hello.ClientNonce.Span, serverNonce), answer.Proof.ClientProof.Span))
            throw await RefuseAsync(stream, $"cluster secret mismatch: {remote} could not prove the shared secret", cancellationToken).ConfigureAwait(false);
        if (admit(remote) is { } refusal)
            throw await RefuseAsync(stream, refusal, cancellationToken).ConfigureAwait(false);

        await SendAsync(stream, new SystemFrame { Accepted = new HandshakeAccepted() }, cancellationToken).ConfigureAwait(false);
        return remote;
    }

    /// <summary>Converts an incarnation to its wire form.</summary>
    public static NodeAddressProto ToProto(UniqueAddress address) => new()
    {
        System = address.Address.System,
        Host = address.Address.Host,
        Port = address.Address.Port,
        Uid = address.Uid,
    };

    /// <summary>Converts the wire form back, validating every part.</summary>
    public static UniqueAddress FromProto(NodeAddressProto proto)
    {
        try
        {
            return new UniqueAddress(new NodeAddress(proto.System, proto.Host, proto.Port), proto.Uid);
        }
        catch (ArgumentException ex)
        {
            throw new WireProtocolException("Invalid node address on the wire: " + ex.Message, ex);
        }
    }

    private string? CheckPeer(string system, int version, NodeAddressProto? from)
    {
        if (version != _identity.ProtocolVersion)
            return $"incompatible protocol version {version} (this node speaks {_identity.ProtocolVersion})";
        if (!string.Equals(system, _identity.Local.Address.System, StringComparison.Ordinal))
            return $"system name '{system}' differs from '{_identity.Local.Address.System}'";
        if (from is null || from.Uid == 0 || from.Port is <= 0 or > 65535 || string.IsNullOrEmpty(from.Host))
            return "peer address missing or invalid";
        return null;
    }

    private async Task<SystemFrame> ReceiveAsync(FrameReader reader, CancellationToken cancellationToken)
    {
        var frame = await reader.ReadSystemFrameAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new HandshakeRefusedException("connection closed during the handshake", refusedByPeer: true);
        if (frame.BodyCase == SystemFrame.BodyOneofCase.Refused)
            throw new HandshakeRefusedException(frame.Refused.Reason, refusedByPeer: true);
        return frame;
    }

    private async Task<HandshakeRefusedException> RefuseAsync(Stream stream, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(stream, new SystemFrame { Refused = new HandshakeRefused { Reason = reason } }, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // the peer may already be gone; the refusal is still logged on this side
        }
        return new HandshakeRefusedException(reason, refusedByPeer: false);
    }

    private async Task SendAsync(Stream stream, SystemFrame frame, CancellationToken cancellationToken)
    {
        using var buffer = new FrameBuffer(256);
        buffer.WriteSystem(frame, _maxFrameSize);
        await stream.WriteAsync(buffer.Written, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
