using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pipeline.Cluster.Transport;

/// <summary>
/// Optional TLS for node-to-node connections (mutual: both sides present <see cref="Certificate"/>). By default a
/// peer is trusted when its certificate validates against the system's roots or is the very certificate this
/// node uses (the usual set-up: one cluster certificate shared by every node).
/// </summary>
public sealed class TlsSettings
{
    /// <summary>Creates the settings for one certificate (with its private key).</summary>
    public TlsSettings(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
            throw new ArgumentException($"TLS certificate '{certificate.Subject}' has no private key; load it from a PFX/PKCS#12 file that includes the key.", nameof(certificate));
        Certificate = certificate;
    }

    /// <summary>Certificate this node presents, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Replaces the default trust decision for the peer's certificate, when set.</summary>
    public RemoteCertificateValidationCallback? ValidatePeer { get; init; }

    /// <summary>The trust decision used when <see cref="ValidatePeer"/> is not set.</summary>
    internal bool DefaultValidate(X509Certificate? peer, SslPolicyErrors errors)
    {
        if (peer is null) return false;
        if (errors == SslPolicyErrors.None) return true;
        return peer.GetCertHashString() == Certificate.GetCertHashString();
    }
}
