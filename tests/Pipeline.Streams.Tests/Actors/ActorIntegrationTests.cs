using Pipeline.Runtime.Actors;
using Pipeline.Streams.Actors;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Supervision;
using Pipeline.Streams.Tests.Support;

namespace Pipeline.Streams.Tests.Actors;

public sealed record Doubled(int Value);

public sealed class DoublingActor : ReceiveActor
{
    public DoublingActor() => Receive<int>(x =>
    {
        if (x < 0) Sender.Tell(new Status.Failure(new ArgumentException($"negative {x}")), Self);
        else if (x == 0) { /* no answer: the ask times out */ }
        else Sender.Tell(new Doubled(x * 2), Self);
    });
}

public sealed class ActorIntegrationTests : StreamTestKit
{
    [Fact]
    public async Task Source_Queue_waits_when_full_and_resumes_when_the_stream_pulls()
    {
        var (queue, probe) = Source.Queue<int>(2, OverflowStrategy.Backpressure).ToMat(ProbeSink<int>.Create(), Keep.Both).Run(Mat);
        Assert.Equal(QueueOfferResult.Enqueued, await queue.OfferAsync(1));
        Assert.Equal(QueueOfferResult.Enqueued, await queue.OfferAsync(2));
        var third = queue.OfferAsync(3).AsTask();
        await Task.Delay(100);
        Assert.False(third.IsCompleted, "an offer to a full backpressured queue must wait");
        probe.Request(1);
        Assert.Equal(1, await probe.ExpectNextAsync());
        Assert.Equal(QueueOfferResult.Enqueued, await Within(third));
        probe.Request(2);
        Assert.Equal([2, 3], await probe.ExpectNextNAsync(2));
        queue.Complete();
        await probe.ExpectCompleteAsync();
        Assert.Equal(QueueOfferResult.QueueClosed, await queue.OfferAsync(4));
        await Within(queue.WhenTerminated);
    }

    [Fact]
    public async Task Source_Queue_with_DropNew_reports_dropped_offers_and_counts_them()
    {
        var (queue, probe) = Source.Queue<int>(1, OverflowStrategy.DropNew).ToMat(ProbeSink<int>.Create(), Keep.Both).Run(Mat);
        Assert.Equal(QueueOfferResult.Enqueued, await queue.OfferAsync(1));
        Assert.Equal(QueueOfferResult.Dropped, await queue.OfferAsync(2));
        Assert.Equal(1, queue.Dropped);
        probe.Request(1);
        Assert.Equal(1, await probe.ExpectNextAsync());
    }

    [Fact]
    public async Task Source_Queue_reports_failure_after_the_stream_failed_and_closed_after_cancel()
    {
        var (queue, done) = Source.Queue<int>(4, OverflowStrategy.Backpressure).Select(x => x == 2 ? throw new FormatException() : x)
            .ToMat(Sink.Ignore<int>(), Keep.Both).Run(Mat);
        await queue.OfferAsync(1);
        await queue.OfferAsync(2);
        await Assert.ThrowsAsync<FormatException>(() => Within(done));
        await Within(queue.WhenTerminated.ContinueWith(_ => { }));
        Assert.NotEqual(QueueOfferResult.Enqueued, await queue.OfferAsync(3));

        var (q2, first) = Source.Queue<int>(4, OverflowStrategy.Backpressure).ToMat(Sink.First<int>(), Keep.Both).Run(Mat);
        await q2.OfferAsync(9);
        Assert.Equal(9, await Within(first));
        await Within(q2.WhenTerminated);
        Assert.Equal(QueueOfferResult.QueueClosed, await q2.OfferAsync(10));
    }

    [Fact]
    public async Task Source_ActorRef_streams_told_elements_and_completes_on_Status_Success()
    {
        var (actor, result) = Source.ActorRef<int>(10, OverflowStrategy.DropHead).ToMat(Sink.Seq<int>(), Keep.Both).Run(Mat);
        for (var i = 1; i <= 5; i++) actor.Tell(i);
        actor.Tell(new Status.Success(null));
        Assert.Equal([1, 2, 3, 4, 5], await Within(result));
    }

    [Fact]
    public async Task Source_ActorRef_is_bounded_and_drops_by_its_strategy()
    {
        var (actor, probe) = Source.ActorRef<int>(3, OverflowStrategy.DropHead).ToMat(ProbeSink<int>.Create(), Keep.Both).Run(Mat);
        for (var i = 1; i <= 10; i++) actor.Tell(i);
        await Task.Delay(TestKit.TestTimeouts.Dilated(TimeSpan.FromMilliseconds(300))); // let the actor take all ten before any demand
        probe.Request(10);
        Assert.Equal([8, 9, 10], await probe.ExpectNextNAsync(3));
        Assert.Throws<ArgumentException>(() => Source.ActorRef<int>(3, OverflowStrategy.Backpressure));
    }

    [Fact]
    public async Task Source_ActorRef_fails_on_Status_Failure()
    {
        var (actor, result) = Source.ActorRef<int>(10, OverflowStrategy.DropHead).ToMat(Sink.Seq<int>(), Keep.Both).Run(Mat);
        actor.Tell(new Status.Failure(new TimeoutException("upstream gone")));
        await Assert.ThrowsAsync<TimeoutException>(() => Within(result));
    }

    [Fact]
    public async Task Sink_ActorRefWithAck_sends_one_element_per_ack()
    {
        var probe = CreateTestProbe();
        Source.From([1, 2, 3]).RunWith(Sink.ActorRefWithAck<int>(probe.Ref, "init", "ack", "done", e => "failed: " + e.Message), Mat);
        await probe.ExpectMsgAsync("init");
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        probe.Reply("ack");
        Assert.Equal(1, await probe.ExpectMsgAsync<int>());
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(150)); // no ack yet: nothing more is sent
        probe.Reply("ack");
        Assert.Equal(2, await probe.ExpectMsgAsync<int>());
        probe.Reply("ack");
        Assert.Equal(3, await probe.ExpectMsgAsync<int>());
        probe.Reply("ack");
        await probe.ExpectMsgAsync("done");
    }

    [Fact]
    public async Task Sink_ActorRefWithAck_sends_the_failure_message()
    {
        var probe = CreateTestProbe();
        Source.Failed<int>(new TimeoutException("gone")).RunWith(Sink.ActorRefWithAck<int>(probe.Ref, "init", "ack", "done", e => "failed: " + e.Message), Mat);
        await probe.ExpectMsgAsync("init");
        probe.Reply("ack");
        await probe.ExpectMsgAsync("failed: gone");
    }

    [Fact]
    public async Task The_Ask_stage_asks_with_parallelism_and_keeps_order()
    {
        var actor = Sys.ActorOf(Props.Create(() => new DoublingActor()));
        var result = await Within(Source.From(Enumerable.Range(1, 100)).Via(ActorFlow.Ask<int, Doubled>(actor, 8)).RunToList(Mat));
        Assert.Equal(Enumerable.Range(1, 100).Select(x => new Doubled(x * 2)), result);
    }

    [Fact]
    public async Task The_Ask_stage_fails_on_a_failure_answer_or_resumes_past_it()
    {
        var actor = Sys.ActorOf(Props.Create(() => new DoublingActor()));
        var failing = Source.From([1, -1, 2]).Via(ActorFlow.Ask<int, Doubled>(actor, 2)).RunToList(Mat);
        await Assert.ThrowsAsync<ArgumentException>(() => Within(failing));
        var resumed = await Within(Source.From([1, -1, 0, 2]).Via(ActorFlow.Ask<int, Doubled>(actor, 2, TimeSpan.FromMilliseconds(200)))
            .WithSupervision(Deciders.Resuming).RunToList(Mat));
        Assert.Equal([new Doubled(2), new Doubled(4)], resumed);
    }
}
