using Pipeline.Cluster.Extension;
using Pipeline.Cluster.TestKit;
using Pipeline.Runtime.Actors;
using Pipeline.Streams;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Refs;

/// <summary>A cluster node that hands out source refs of an endless count; the tests kill it with SIGKILL mid-stream.</summary>
internal static class StreamRefHost
{
    public static async Task RunAsync(string membershipFile, string systemName)
    {
        var system = ActorSystem.Create(systemName);
        await ClusterExtension.StartAsync(system, Settings(membershipFile));
        var materializer = system.Materializer();
        var actor = system.ActorOf(Props.Create(() => new Offerer(materializer)), "offerer");
        Console.Out.WriteLine("READY " + actor.Path.ToStringWithAddress(system.Address));
        Console.Out.Flush();
        await Task.Delay(Timeout.Infinite);
    }

    /// <summary>The cluster settings of the node-death test (the test process uses the same).</summary>
    public static ClusterSettings Settings(string membershipFile) => LoopbackClusterSettings.Sqlite(membershipFile, "stream-ref-test");

    private sealed class Offerer(Materializer materializer) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is not string) return false;
            var sender = Sender;
            _ = OfferAsync(Source.Unfold<long, long>(0L, static n => (n + 1, n)).RunWith(StreamRefs.SourceRef<long>(), materializer), sender);
            return true;
        }

        /// <summary>Answers with the ref once materialized; a failure goes to stderr, which the test prints when it times out.</summary>
        private static async Task OfferAsync(Task<ISourceRef<long>> offered, IActorRef sender)
        {
            try
            {
                sender.Tell(await offered);
            }
            catch (Exception e)
            {
                await Console.Error.WriteLineAsync("stream ref offer failed: " + e);
            }
        }
    }
}
