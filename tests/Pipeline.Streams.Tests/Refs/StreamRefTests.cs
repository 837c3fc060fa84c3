using Pipeline.Runtime.Actors;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Refs;
using Pipeline.Streams.Tests.Support;
using Pipeline.TestKit;

namespace Pipeline.Streams.Tests.Refs;

/// <summary>A message that carries a source ref (as a node would send it to another).</summary>
public sealed record SourceOffer(ISourceRef<int> Ref);

/// <summary>A message that carries a sink ref.</summary>
public sealed record SinkOffer(ISinkRef<int> Ref);

/// <summary>
/// The stream-ref protocol within one actor system. The test kit serializes every local message, so the refs and
/// the protocol go through the kernel's serializer registry exactly as they would between nodes.
/// </summary>
public sealed class StreamRefTests : StreamTestKit
{
    private static StreamRefSettings Small(int capacity = 16) => new() { BufferCapacity = capacity, MaxBatchSize = 8 };

    /// <summary>What a receiving node gets: the ref after a serialization round trip.</summary>
    private ISourceRef<int> Transfer(ISourceRef<int> sourceRef) => ((SourceOffer)Sys.Serialization.RoundTrip(new SourceOffer(sourceRef))).Ref;

    private ISinkRef<int> Transfer(ISinkRef<int> sinkRef) => ((SinkOffer)Sys.Serialization.RoundTrip(new SinkOffer(sinkRef))).Ref;

    [Fact]
    public async Task A_source_ref_delivers_every_element_in_order_and_completes()
    {
        var sourceRef = await Within(Source.From(Enumerable.Range(1, 20_000)).RunWith(StreamRefs.SourceRef<int>(Small(64)), Mat));
        var received = Transfer(sourceRef);
        Assert.IsType<SourceRef<int>>(received);

        var result = await Within(received.Source.RunToList(Mat), 20);

        Assert.Equal(Enumerable.Range(1, 20_000), result);
    }

    [Fact]
    public async Task A_sink_ref_feeds_the_origin_stream_in_order_and_completes_it()
    {
        var (sinkRef, collected) = StreamRefs.SinkRef<int>(Small(32)).ToMat(Sink.Seq<int>(), Keep.Both).Run(Mat);
        var received = Transfer(await Within(sinkRef));

        Source.From(Enumerable.Range(1, 5_000)).RunWith(received.Sink, Mat);

        Assert.Equal(Enumerable.Range(1, 5_000), await Within(collected, 20));
    }

    [Fact]
    public async Task A_slow_consumer_holds_the_producer_to_the_granted_credit()
    {
        var produced = 0;
        var sourceRef = await Within(Source.From(Enumerable.Range(1, 1_000_000)).Select(x => { Interlocked.Increment(ref produced); return x; })
            .RunWith(StreamRefs.SourceRef<int>(), Mat));
        var probe = Transfer(sourceRef).CreateSource(Small(16)).RunWith(ProbeSink<int>.Create(), Mat);

        probe.Request(5);
        Assert.Equal([1, 2, 3, 4, 5], await probe.ExpectNextNAsync(5));
        await AwaitHelpers.AwaitConditionAsync(() => Volatile.Read(ref produced) >= 16, TestTimeouts.Dilated(TimeSpan.FromSeconds(5)));
        await probe.ExpectNoEventAsync(TimeSpan.FromMilliseconds(300));
        // credit: the receiver granted 16 ahead of what it consumed, and renews only when half of it was consumed
        Assert.InRange(Volatile.Read(ref produced), 16, 5 + 16);

        probe.Request(100);
        Assert.Equal(Enumerable.Range(6, 100), await probe.ExpectNextNAsync(100));
        await probe.ExpectNoEventAsync(TimeSpan.FromMilliseconds(200));
        Assert.InRange(Volatile.Read(ref produced), 105, 105 + 16);
        probe.Cancel();
    }

    [Fact]
    public async Task A_sink_ref_backpressures_the_remote_producer_when_the_origin_stream_is_slow()
    {
        var produced = 0;
        var (sinkRef, probe) = StreamRefs.SinkRef<int>(Small(16)).ToMat(ProbeSink<int>.Create(), Keep.Both).Run(Mat);
        Source.From(Enumerable.Range(1, 1_000_000)).Select(x => { Interlocked.Increment(ref produced); return x; })
            .RunWith(Transfer(await Within(sinkRef)).Sink, Mat);

        probe.Request(3);
        Assert.Equal([1, 2, 3], await probe.ExpectNextNAsync(3));
        await AwaitHelpers.AwaitConditionAsync(() => Volatile.Read(ref produced) >= 16, TestTimeouts.Dilated(TimeSpan.FromSeconds(5)));
        await probe.ExpectNoEventAsync(TimeSpan.FromMilliseconds(300));
        Assert.InRange(Volatile.Read(ref produced), 16, 3 + 16);
        probe.Cancel();
    }

    [Fact]
    public async Task A_failure_upstream_of_the_origin_fails_the_remote_source_with_its_reason()
    {
        var sourceRef = await Within(Source.From(Enumerable.Range(1, 10)).Select(x => x == 7 ? throw new FormatException("bad record 7") : x)
            .RunWith(StreamRefs.SourceRef<int>(Small()), Mat));
        var probe = Transfer(sourceRef).Source.RunWith(ProbeSink<int>.Create(), Mat);

        probe.Request(100);
        Assert.Equal([1, 2, 3, 4, 5, 6], await probe.ExpectNextNAsync(6));
        var error = await probe.ExpectErrorAsync();
        Assert.IsType<RemoteStreamRefFailedException>(error);
        Assert.Contains("bad record 7", error.Message);
    }

    [Fact]
    public async Task A_failure_upstream_of_a_sink_ref_fails_the_origin_stream()
    {
        var (sinkRef, collected) = StreamRefs.SinkRef<int>(Small()).ToMat(Sink.Seq<int>(), Keep.Both).Run(Mat);
        Source.Failed<int>(new InvalidDataException("upstream broke")).RunWith(Transfer(await Within(sinkRef)).Sink, Mat);

        var error = await Assert.ThrowsAsync<RemoteStreamRefFailedException>(() => Within(collected));
        Assert.Contains("upstream broke", error.Message);
    }

    [Fact]
    public async Task Cancelling_the_remote_source_cancels_the_origin_stream()
    {
        var (queue, sourceRef) = Source.Queue<int>(64, OverflowStrategy.Backpressure).ToMat(StreamRefs.SourceRef<int>(Small()), Keep.Both).Run(Mat);
        var taken = Transfer(await Within(sourceRef)).Source.Take(3).RunToList(Mat);
        for (var i = 1; i <= 3; i++) await queue.OfferAsync(i);

        Assert.Equal([1, 2, 3], await Within(taken));
        await Within(queue.WhenTerminated);
    }

    [Fact]
    public async Task A_sink_ref_that_nobody_attaches_to_fails_after_the_subscription_timeout()
    {
        var (_, collected) = StreamRefs.SinkRef<int>(new StreamRefSettings { SubscriptionTimeout = TimeSpan.FromMilliseconds(300) })
            .ToMat(Sink.Seq<int>(), Keep.Both).Run(Mat);

        var error = await Assert.ThrowsAsync<StreamRefSubscriptionTimeoutException>(() => Within(collected));
        Assert.Contains("No one attached", error.Message);
    }

    [Fact]
    public async Task A_source_ref_can_be_attached_once_and_a_second_attach_fails()
    {
        var sourceRef = Transfer(await Within(Source.Repeat(1).RunWith(StreamRefs.SourceRef<int>(Small()), Mat)));
        var first = sourceRef.Source.RunWith(ProbeSink<int>.Create(), Mat);
        first.Request(1);
        Assert.Equal(1, await first.ExpectNextAsync());

        var second = sourceRef.Source.RunToList(Mat);

        var error = await Assert.ThrowsAsync<RemoteStreamRefFailedException>(() => Within(second));
        Assert.Contains("already attached", error.Message);
        first.Request(1);
        Assert.Equal(1, await first.ExpectNextAsync());
        first.Cancel();
    }

    [Fact]
    public async Task The_remote_source_fails_when_the_origin_stream_is_aborted()
    {
        var materializer = Materializer.Create(Sys);
        var sourceRef = Transfer(await Within(Source.Repeat(1).RunWith(StreamRefs.SourceRef<int>(Small()), materializer)));
        var probe = sourceRef.Source.RunWith(ProbeSink<int>.Create(), Mat);
        probe.Request(1);
        Assert.Equal(1, await probe.ExpectNextAsync());

        materializer.Shutdown(); // the origin's stream is aborted and says so to its partner

        var error = await probe.ExpectErrorAsync();
        Assert.IsType<RemoteStreamRefFailedException>(error);
        Assert.Contains(nameof(AbruptTerminationException), error.Message);
    }

    [Fact]
    public async Task The_remote_source_fails_when_the_origin_dies_without_a_word()
    {
        var sourceRef = (SourceRef<int>)Transfer(await Within(Source.Repeat(1).RunWith(StreamRefs.SourceRef<int>(Small()), Mat)));
        var probe = sourceRef.CreateSource(Small() with { FinalTerminationSignalDeadline = TimeSpan.FromMilliseconds(200) }).RunWith(ProbeSink<int>.Create(), Mat);
        probe.Request(1);
        Assert.Equal(1, await probe.ExpectNextAsync());

        Sys.Stop(sourceRef.Origin); // as if its node died: only the death watch tells

        var error = await probe.ExpectErrorAsync();
        Assert.IsType<RemoteStreamRefActorTerminatedException>(error);
    }

    [Fact]
    public async Task A_source_ref_to_an_origin_that_is_gone_fails_instead_of_waiting_forever()
    {
        var dead = Sys.ActorOf(Props.Create(() => new NoopActor()), "gone");
        Sys.Stop(dead);
        await AwaitHelpers.AwaitConditionAsync(() => dead is InternalActorRef { IsTerminated: true }, TestTimeouts.Default);
        var sourceRef = new SourceRef<int>(dead);

        var result = sourceRef.CreateSource(new StreamRefSettings { FinalTerminationSignalDeadline = TimeSpan.FromMilliseconds(100), SubscriptionTimeout = TimeSpan.FromSeconds(2) }).RunToList(Mat);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Within(result));
        Assert.True(error is RemoteStreamRefActorTerminatedException or StreamRefSubscriptionTimeoutException, error.ToString());
    }

    private sealed class NoopActor : ActorBase
    {
        protected override bool Receive(object message) => true;
    }
}
