using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pipeline.Cluster.Tests.Support;
using Pipeline.Cluster.Transport;
using Pipeline.Cluster.Wire;

namespace Pipeline.Cluster.Tests.Transport;

public sealed class TlsTests
{
    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    [Fact]
    public async Task Nodes_sharing_a_cluster_certificate_talk_over_tls()
    {
        using var certificate = SelfSigned("pipeline-cluster");
        var settings = TestTransports.Settings() with { Tls = new TlsSettings(certificate) };
        var handlerB = new RecordingHandler();
        await using var a = await TestTransports.StartAsync(new RecordingHandler(), settings);
        await using var b = await TestTransports.StartAsync(handlerB, settings);

        for (var i = 0; i < 100; i++)
            a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", "/user/a", 1, "m", BitConverter.GetBytes(i)));

        await Eventually.True(() => handlerB.Count == 100, "messages over TLS");
        Assert.Equal(Enumerable.Range(0, 100), handlerB.Envelopes.Select(e => BitConverter.ToInt32(e.Payload)));
    }

    [Fact]
    public async Task A_node_with_an_untrusted_certificate_is_refused()
    {
        using var clusterCertificate = SelfSigned("pipeline-cluster");
        using var strangerCertificate = SelfSigned("stranger");
        var logB = new ListLogger<ClusterTransport>();
        var handlerB = new RecordingHandler();
        await using var a = await TestTransports.StartAsync(new RecordingHandler(), TestTransports.Settings() with { Tls = new TlsSettings(strangerCertificate) });
        await using var b = await TestTransports.StartAsync(handlerB, TestTransports.Settings() with { Tls = new TlsSettings(clusterCertificate) }, logB);

        a.Send(b.LocalAddress.Address, new OutboundMessage("/user/b", null, 1, "", new byte[1]));
        await Eventually.True(() => logB.Lines.Any(l => l.Contains("TLS with")), "TLS failure logged");
        Assert.Equal(0, handlerB.Count);
    }

    [Fact]
    public void A_certificate_without_private_key_is_rejected_with_the_fix()
    {
        using var certificate = SelfSigned("pipeline-cluster");
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert));
        var error = Assert.Throws<ArgumentException>(() => new TlsSettings(publicOnly));
        Assert.Contains("no private key", error.Message);
    }
}
