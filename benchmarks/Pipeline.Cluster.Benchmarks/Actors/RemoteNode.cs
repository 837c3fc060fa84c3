using Pipeline.Cluster.Remoting;
using Pipeline.Cluster.Transport;
using Pipeline.Runtime.Actors;

namespace Pipeline.Cluster.Benchmarks.Actors;

/// <summary>
/// An actor system with remoting on the cluster transport and nothing else (no membership store): the same
/// Tell / serialize / queue / socket / decode / deliver path a cluster node uses, without its heartbeats.
/// </summary>
internal sealed class RemoteNode : IAsyncDisposable
{
    private RemoteNode(ActorSystem system, ClusterTransport transport)
    {
        System = system;
        Transport = transport;
    }

    public ActorSystem System { get; }

    public ClusterTransport Transport { get; }

    public static async Task<RemoteNode> StartAsync(int port)
    {
        var system = ActorSystem.Create(TransportBenchmark.System);
        var provider = new RemoteActorRefProvider(system);
        var transport = new ClusterTransport(TransportBenchmark.Settings(port), provider);
        await transport.StartAsync(CancellationToken.None);
        provider.Attach(transport);
        system.RegisterRemoteProvider(provider, RemoteActorRefProvider.ToAddress(transport.LocalAddress.Address));
        return new RemoteNode(system, transport);
    }

    public async ValueTask DisposeAsync()
    {
        await Transport.DisposeAsync();
        await System.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
    }
}
