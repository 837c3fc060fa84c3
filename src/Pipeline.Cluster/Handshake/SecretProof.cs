using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Cluster.Handshake;

/// <summary>
/// HMAC-SHA256 proofs of the shared cluster secret over both sides' random nonces: each side proves it knows
/// the secret without sending it, and a recorded proof is useless with fresh nonces.
/// </summary>
internal sealed class SecretProof
{
    /// <summary>Bytes of each side's random challenge.</summary>
    public const int NonceSize = 32;

    private static ReadOnlySpan<byte> ServerLabel => "pipeline-cluster/v1/server"u8;
    private static ReadOnlySpan<byte> ClientLabel => "pipeline-cluster/v1/client"u8;

    private readonly byte[] _key;

    /// <summary>Creates the prover from the configured secret (must not be empty).</summary>
    public SecretProof(string secret)
    {
        if (string.IsNullOrEmpty(secret))
            throw new ArgumentException("The cluster secret is empty; set the same non-empty secret on every node.", nameof(secret));
        _key = Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>A fresh random nonce.</summary>
    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceSize);

    /// <summary>The accepting side's proof.</summary>
    public byte[] ServerProof(ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> serverNonce) => Compute(ServerLabel, clientNonce, serverNonce);

    /// <summary>The connecting side's proof.</summary>
    public byte[] ClientProof(ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> serverNonce) => Compute(ClientLabel, clientNonce, serverNonce);

    /// <summary>Constant-time comparison of a received proof with the expected one.</summary>
    public static bool Matches(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> received) =>
        expected.Length == received.Length && CryptographicOperations.FixedTimeEquals(expected, received);

    private byte[] Compute(ReadOnlySpan<byte> label, ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> serverNonce)
    {
        var message = new byte[label.Length + clientNonce.Length + serverNonce.Length];
        label.CopyTo(message);
        clientNonce.CopyTo(message.AsSpan(label.Length));
        serverNonce.CopyTo(message.AsSpan(label.Length + clientNonce.Length));
        return HMACSHA256.HashData(_key, message);
    }
}
