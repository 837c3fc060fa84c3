using Pipeline.Streams.Control;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Restart;
using Pipeline.Streams.Tests.Support;

namespace Pipeline.Streams.Tests.Stages;

public sealed class GraphStageTests : StreamTestKit
{
    [Fact]
    public async Task Merge_keeps_the_order_of_each_source()
    {
        var a = Source.From(Enumerable.Range(0, 1000).Select(i => ("a", i)));
        var b = Source.From(Enumerable.Range(0, 1000).Select(i => ("b", i))).Async();
        var c = Source.From(Enumerable.Range(0, 1000).Select(i => ("c", i)));
        var all = await Within(Source.Merge(a, b, c).RunToList(Mat));
        Assert.Equal(3000, all.Count);
        foreach (var key in new[] { "a", "b", "c" })
            Assert.Equal(Enumerable.Range(0, 1000), all.Where(x => x.Item1 == key).Select(x => x.Item2));
    }

    [Fact]
    public async Task Zip_pairs_one_to_one_and_completes_with_the_shorter()
    {
        var zipped = await Within(Source.From([1, 2, 3]).Zip(Source.From(["a", "b"])).RunToList(Mat));
        Assert.Equal([(1, "a"), (2, "b")], zipped);
    }

    [Fact]
    public async Task Broadcast_sends_every_element_to_every_sink()
    {
        var tasks = Source.From(Enumerable.Range(1, 100)).RunWith(Sink.Broadcast(Sink.Seq<int>(), Sink.Seq<int>().Async()), Mat);
        Assert.Equal(2, tasks.Count);
        foreach (var t in tasks) Assert.Equal(Enumerable.Range(1, 100), await Within(t));
    }

    [Fact]
    public async Task AlsoTo_feeds_a_side_channel()
    {
        var (side, main) = Source.From(Enumerable.Range(1, 10)).AlsoToMat(Sink.Seq<int>(), Keep.Right).ToMat(Sink.Seq<int>(), Keep.Both).Run(Mat);
        Assert.Equal(await Within(side), await Within(main));
    }

    [Fact]
    public async Task Balance_spreads_work_and_loses_nothing()
    {
        var tasks = Source.From(Enumerable.Range(1, 1000)).RunWith(Sink.Balance(
            Sink.Seq<int>().Async(), Sink.Seq<int>().Async(), Sink.Seq<int>().Async()), Mat);
        var parts = new List<IReadOnlyList<int>>();
        foreach (var t in tasks) parts.Add(await Within(t));
        Assert.Equal(Enumerable.Range(1, 1000), parts.SelectMany(p => p).Order());
        foreach (var p in parts) Assert.Equal(p.Order(), p); // order per worker preserved
    }

    [Fact]
    public async Task Partition_routes_by_the_partitioner_and_rejects_bad_indices()
    {
        var tasks = Source.From(Enumerable.Range(1, 10)).RunWith(Sink.Partition<int, Task<IReadOnlyList<int>>>(x => x % 2, Sink.Seq<int>(), Sink.Seq<int>()), Mat);
        Assert.Equal([2, 4, 6, 8, 10], await Within(tasks[0]));
        Assert.Equal([1, 3, 5, 7, 9], await Within(tasks[1]));
        var bad = Source.From([1]).RunWith(Sink.Partition<int, Task<IReadOnlyList<int>>>(_ => 5, Sink.Seq<int>()), Mat);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Within(bad[0]));
    }

    [Fact]
    public async Task GroupBy_runs_a_substream_per_key_keeping_order_per_key()
    {
        var result = await Within(Source.From(Enumerable.Range(0, 300))
            .GroupBy(3, x => x % 3, Flow.Create<int>().Scan(-1, (_, x) => x).Skip(1).Select(x => (Key: x % 3, Value: x)))
            .RunToList(Mat));
        Assert.Equal(300, result.Count);
        for (var k = 0; k < 3; k++)
            Assert.Equal(Enumerable.Range(0, 300).Where(x => x % 3 == k), result.Where(r => r.Key == k).Select(r => r.Value));
    }

    [Fact]
    public async Task GroupBy_fails_clearly_beyond_its_bound_of_substreams()
    {
        var task = Source.From(Enumerable.Range(0, 10)).GroupBy(2, x => x, Flow.Create<int>()).RunToList(Mat);
        var e = await Assert.ThrowsAsync<TooManySubstreamsException>(() => Within(task));
        Assert.Contains("bound of 2", e.Message);
    }

    [Fact]
    public async Task A_unique_kill_switch_completes_the_stream_downstream_and_cancels_upstream()
    {
        var cancelled = new TaskCompletionSource();
        var (killSwitch, probe) = Source.Repeat(1).Select(x => x)
            .ViaMat(KillSwitches.Single<int>(), Keep.Right)
            .ToMat(ProbeSink<int>.Create(), Keep.Both).Run(Mat);
        probe.Request(2);
        await probe.ExpectNextNAsync(2);
        killSwitch.Shutdown();
        await probe.ExpectCompleteAsync();
    }

    [Fact]
    public async Task A_unique_kill_switch_abort_fails_the_stream()
    {
        var (killSwitch, done) = Source.Repeat(1).ViaMat(KillSwitches.Single<int>(), Keep.Right).ToMat(Sink.Ignore<int>(), Keep.Both).Run(Mat);
        killSwitch.Abort(new TimeoutException("abort"));
        await Assert.ThrowsAsync<TimeoutException>(() => Within(done));
    }

    [Fact]
    public async Task A_shared_kill_switch_stops_every_stream_it_is_part_of()
    {
        var shared = KillSwitches.Shared("all");
        var a = Source.Repeat(1).Via(shared.Flow<int>()).RunWith(Sink.Ignore<int>(), Mat);
        var b = Source.Tick(TimeSpan.Zero, TimeSpan.FromMilliseconds(10), 2).Via(shared.Flow<int>()).RunWith(Sink.Ignore<int>(), Mat);
        shared.Shutdown();
        await Within(Task.WhenAll(a, b));
        var late = Source.Repeat(1).Via(shared.Flow<int>()).RunWith(Sink.Ignore<int>(), Mat);
        await Within(late); // materialized after the shutdown: stops at once
    }

    [Fact]
    public async Task RestartSource_rebuilds_a_failing_source_with_backoff_until_it_gives_up()
    {
        var attempts = 0;
        var settings = new RestartSettings(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40)) { MaxRestarts = 3 };
        var task = RestartSource.OnFailuresWithBackoff(settings, () =>
        {
            var n = Interlocked.Increment(ref attempts);
            return Source.From([n * 10, n * 10 + 1]).Concat(Source.Failed<int>(new IOException($"attempt {n}")));
        }).RunToList(Mat);
        var e = await Assert.ThrowsAsync<IOException>(() => Within(task));
        Assert.Equal("attempt 4", e.Message);
        Assert.Equal(4, attempts);
    }

    [Fact]
    public async Task RestartSource_delivers_what_each_incarnation_emitted_and_completes_when_the_inner_completes()
    {
        var attempts = 0;
        var settings = new RestartSettings(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20));
        var result = await Within(RestartSource.OnFailuresWithBackoff(settings, () =>
        {
            var n = Interlocked.Increment(ref attempts);
            return n < 3 ? Source.From([n]).Concat(Source.Failed<int>(new IOException())) : Source.From([n, 100]);
        }).RunToList(Mat));
        Assert.Equal([1, 2, 3, 100], result);
    }

    [Fact]
    public async Task RestartFlow_restarts_a_failing_inner_flow()
    {
        var incarnations = 0;
        var settings = new RestartSettings(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20)) { MaxRestarts = 5 };
        var (queue, probe) = Source.Queue<int>(16, OverflowStrategy.Backpressure)
            .Via(RestartFlow.OnFailuresWithBackoff(settings, () =>
            {
                Interlocked.Increment(ref incarnations);
                return Flow.Create<int>().Select(x => x < 0 ? throw new InvalidOperationException("poison") : x * 2);
            }))
            .ToMat(ProbeSink<int>.Create(), Keep.Both).Run(Mat);
        probe.Request(10);
        await queue.OfferAsync(1);
        Assert.Equal(2, await probe.ExpectNextAsync());
        await queue.OfferAsync(-1);
        await TestKit.AwaitHelpers.AwaitConditionAsync(() => Volatile.Read(ref incarnations) == 2, message: "the inner flow was not restarted");
        await queue.OfferAsync(5);
        Assert.Equal(10, await probe.ExpectNextAsync());
        queue.Complete();
        await probe.ExpectCompleteAsync();
    }

    [Fact]
    public async Task RestartSink_restarts_a_failing_inner_sink()
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var incarnations = 0;
        var settings = new RestartSettings(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20));
        var queue = Source.Queue<int>(16, OverflowStrategy.Backpressure).To(RestartSink.WithBackoff(settings, () =>
        {
            Interlocked.Increment(ref incarnations);
            return Sink.ForEach<int>(x => { if (x < 0) throw new InvalidOperationException("poison"); received.Enqueue(x); });
        })).Run(Mat);
        await queue.OfferAsync(1);
        await queue.OfferAsync(-1);
        await TestKit.AwaitHelpers.AwaitConditionAsync(() => Volatile.Read(ref incarnations) >= 2, message: "the sink was not restarted");
        await queue.OfferAsync(2);
        await TestKit.AwaitHelpers.AwaitConditionAsync(() => received.Contains(2), message: "the restarted sink did not get the next element");
        Assert.Equal([1, 2], received.ToArray());
        queue.Complete();
    }
}
