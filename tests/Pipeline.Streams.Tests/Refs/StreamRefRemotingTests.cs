using System.Threading.Channels;
using Pipeline.Cluster.Extension;
using Pipeline.Cluster.Remoting;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Patterns;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Refs;
using Pipeline.Streams.Tests.Support;
using Pipeline.TestKit;
using Pipeline.Cluster.TestKit;

namespace Pipeline.Streams.Tests.Refs;

/// <summary>A message from node A to node B that hands over a running stream's output.</summary>
public sealed record NumbersOffer(ISourceRef<long> Numbers);

/// <summary>A message from node B to node A that hands over a running stream's input.</summary>
public sealed record NumbersWanted(ISinkRef<long> Into);

/// <summary>
/// Stream references between two actor systems of one cluster, connected by Pipeline.Cluster's TCP remoting on
/// 127.0.0.1: the ref travels inside a message, demand and elements travel as remote messages.
/// </summary>
public sealed class StreamRefRemotingTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-streamrefs-").FullName;
    private readonly string _name = "sr" + Guid.NewGuid().ToString("N")[..10];
    private ActorSystem _a = null!;
    private ActorSystem _b = null!;

    public async Task InitializeAsync()
    {
        _a = await StartNodeAsync();
        _b = await StartNodeAsync();
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(new[] { _a, _b }.Where(s => s is not null).Select(s => s.Terminate().WaitAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(30)))));
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { /* a SQLite handle may linger a moment */ }
    }

    private async Task<ActorSystem> StartNodeAsync()
    {
        var system = ActorSystem.Create(_name, new ActorSystemSettings { SerializeAllMessages = true, ShutdownPhaseTimeout = TimeSpan.FromSeconds(5) });
        await ClusterExtension.StartAsync(system, LoopbackClusterSettings.Sqlite(Path.Combine(_directory, "membership.db"), "stream-ref-test"));
        return system;
    }

    /// <summary>An actor on <paramref name="node"/> that hands what it receives to the test; and its ref as another node sees it.</summary>
    private static (ChannelReader<object> Received, IActorRef RemoteRef) Mailbox(ActorSystem node, ActorSystem seenFrom, string name)
    {
        var channel = Channel.CreateUnbounded<object>();
        var actor = node.ActorOf(Props.Create(() => new ForwardToChannel(channel.Writer)), name);
        var remote = seenFrom.Resolve(actor.Path.ToStringWithAddress(node.Address));
        Assert.IsType<RemoteActorRef>(remote);
        return (channel.Reader, remote);
    }

    private static async Task<T> ReceiveAsync<T>(ChannelReader<object> reader)
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Dilated(TimeSpan.FromSeconds(10)));
        return (T)await reader.ReadAsync(cts.Token);
    }

    [Fact]
    public async Task A_source_ref_sent_to_another_node_streams_every_element_in_order_with_bounded_credit()
    {
        var (inboxOnB, inboxSeenFromA) = Mailbox(_b, _a, "offers");
        var produced = 0L;
        var matA = _a.Materializer();
        var sourceRef = await Source.Range(1, 200_000).Select(x => { Interlocked.Increment(ref produced); return x; })
            .RunWith(StreamRefs.SourceRef<long>(), matA).WaitAsync(TestTimeouts.Default);

        inboxSeenFromA.Tell(new NumbersOffer(sourceRef));
        var offer = await ReceiveAsync<NumbersOffer>(inboxOnB);
        Assert.IsType<RemoteActorRef>(((SourceRef<long>)offer.Numbers).Origin);

        // a slow consumer first: the producer on A stops at the credit B granted
        var probe = offer.Numbers.CreateSource(new StreamRefSettings { BufferCapacity = 64, MaxBatchSize = 16 }).RunWith(ProbeSink<long>.Create(), _b.Materializer());
        probe.Request(10);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), await probe.ExpectNextNAsync(10));
        await AwaitHelpers.AwaitConditionAsync(() => Interlocked.Read(ref produced) >= 64, TestTimeouts.Dilated(TimeSpan.FromSeconds(10)));
        await probe.ExpectNoEventAsync(TimeSpan.FromMilliseconds(500));
        Assert.InRange(Interlocked.Read(ref produced), 64, 10 + 64);

        // then it consumes everything: order and completion across the nodes
        probe.Request(long.MaxValue / 2);
        long expected = 11;
        while (true)
        {
            var e = await probe.NextEventAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(20)));
            if (e.Kind == ProbeEventKind.Complete) break;
            Assert.Equal(ProbeEventKind.Next, e.Kind);
            Assert.Equal(expected++, e.Value);
        }
        Assert.Equal(200_001, expected);
    }

    [Fact]
    public async Task A_sink_ref_sent_to_another_node_carries_its_stream_into_the_origin()
    {
        var (inboxOnA, inboxSeenFromB) = Mailbox(_a, _b, "wanted");
        var (sinkRef, sum) = StreamRefs.SinkRef<long>().ToMat(Sink.Aggregate<long, long>(0, (a, x) => a + x), Keep.Both).Run(_b.Materializer());

        inboxSeenFromB.Tell(new NumbersWanted(await sinkRef.WaitAsync(TestTimeouts.Default)));
        var wanted = await ReceiveAsync<NumbersWanted>(inboxOnA);
        Source.Range(1, 50_000).RunWith(wanted.Into.Sink, _a.Materializer());

        Assert.Equal(50_000L * 50_001 / 2, await sum.WaitAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(30))));
    }

    [Fact]
    public async Task The_consumer_fails_when_the_origin_on_the_other_node_dies()
    {
        var (inboxOnB, inboxSeenFromA) = Mailbox(_b, _a, "offers");
        var sourceRef = await Source.Repeat(7L).RunWith(StreamRefs.SourceRef<long>(), _a.Materializer()).WaitAsync(TestTimeouts.Default);
        inboxSeenFromA.Tell(new NumbersOffer(sourceRef));
        var offer = await ReceiveAsync<NumbersOffer>(inboxOnB);
        var probe = offer.Numbers.CreateSource(new StreamRefSettings { FinalTerminationSignalDeadline = TimeSpan.FromMilliseconds(300) })
            .RunWith(ProbeSink<long>.Create(), _b.Materializer());
        probe.Request(1);
        Assert.Equal(7L, await probe.ExpectNextAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(10))));

        _a.Stop(((SourceRef<long>)sourceRef).Origin); // the origin's actor dies without a protocol message: only remote death watch tells B

        var error = await probe.NextEventAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(15)));
        Assert.Equal(ProbeEventKind.Error, error.Kind);
        Assert.IsType<RemoteStreamRefActorTerminatedException>(error.Error);
    }

    [Fact]
    public async Task The_consumer_fails_when_the_other_node_shuts_down_mid_stream()
    {
        var (inboxOnB, inboxSeenFromA) = Mailbox(_b, _a, "offers");
        var sourceRef = await Source.Repeat(7L).RunWith(StreamRefs.SourceRef<long>(), _a.Materializer()).WaitAsync(TestTimeouts.Default);
        inboxSeenFromA.Tell(new NumbersOffer(sourceRef));
        var offer = await ReceiveAsync<NumbersOffer>(inboxOnB);
        var probe = offer.Numbers.CreateSource(new StreamRefSettings { FinalTerminationSignalDeadline = TimeSpan.FromMilliseconds(300) })
            .RunWith(ProbeSink<long>.Create(), _b.Materializer());
        probe.Request(1);
        Assert.Equal(7L, await probe.ExpectNextAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(10))));

        await _a.Terminate().WaitAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(30)));

        probe.Request(long.MaxValue / 2);
        while (true)
        {
            var e = await probe.NextEventAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(20)));
            if (e.Kind == ProbeEventKind.Next) continue; // what was in flight when A went
            Assert.Equal(ProbeEventKind.Error, e.Kind);
            // either A's stream said it was aborted before A left, or the watch fired when A's actor or node went
            Assert.True(e.Error is RemoteStreamRefActorTerminatedException or RemoteStreamRefFailedException, e.Error?.ToString());
            break;
        }
    }

    [Fact]
    public async Task The_consumer_fails_when_the_producer_process_is_killed_with_SIGKILL()
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Connectors.CrashHostProcess.DllPath, "streamref", Path.Combine(_directory, "membership.db"), _name }) info.ArgumentList.Add(a);
        using var host = System.Diagnostics.Process.Start(info)!;
        try
        {
            string? line;
            using (var cts = new CancellationTokenSource(TestTimeouts.Dilated(TimeSpan.FromSeconds(60))))
            {
                do line = await host.StandardOutput.ReadLineAsync(cts.Token);
                while (line is not null && !line.StartsWith("READY ", StringComparison.Ordinal));
            }
            if (line is null) Assert.Fail("the stream-ref host exited before it was ready: " + await host.StandardError.ReadToEndAsync());
            var offerer = _b.Resolve(line!["READY ".Length..]);
            var sourceRef = await offerer.Ask<SourceRef<long>>("offer", TestTimeouts.Dilated(TimeSpan.FromSeconds(20)));
            var probe = sourceRef.CreateSource(new StreamRefSettings { FinalTerminationSignalDeadline = TimeSpan.FromMilliseconds(300) })
                .RunWith(ProbeSink<long>.Create(), _b.Materializer());
            probe.Request(1000);
            for (long i = 0; i < 1000; i++) Assert.Equal(i, await probe.ExpectNextAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(10))));

            host.Kill(); // SIGKILL: no goodbye on the wire; only the failure detector and remote death watch can tell
            await host.WaitForExitAsync();

            probe.Request(long.MaxValue / 2);
            while (true)
            {
                var e = await probe.NextEventAsync(TestTimeouts.Dilated(TimeSpan.FromSeconds(30)));
                if (e.Kind == ProbeEventKind.Next) continue; // in flight before the kill
                Assert.Equal(ProbeEventKind.Error, e.Kind);
                Assert.IsType<RemoteStreamRefActorTerminatedException>(e.Error);
                break;
            }
        }
        finally
        {
            if (!host.HasExited) host.Kill();
        }
    }

    private sealed class ForwardToChannel(ChannelWriter<object> writer) : ActorBase
    {
        protected override bool Receive(object message) => writer.TryWrite(message);
    }
}
