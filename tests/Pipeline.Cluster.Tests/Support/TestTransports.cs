using Pipeline.Cluster.Transport;

namespace Pipeline.Cluster.Tests.Support;

/// <summary>Builds started transports on loopback with free ports.</summary>
public static class TestTransports
{
    public const string System = "testsys";
    public const string Secret = "s3cret-for-tests";

    public static TransportSettings Settings(string secret = Secret, Func<TransportSettings, TransportSettings>? tweak = null)
    {
        var settings = new TransportSettings { SystemName = System, Secret = secret, Host = "127.0.0.1", Port = 0 };
        return tweak is null ? settings : tweak(settings);
    }

    public static async Task<ClusterTransport> StartAsync(ITransportHandler handler, TransportSettings? settings = null, ListLogger<ClusterTransport>? logger = null)
    {
        var transport = new ClusterTransport(settings ?? Settings(), handler, logger);
        await transport.StartAsync(CancellationToken.None);
        return transport;
    }
}
