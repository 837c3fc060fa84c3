using Pipeline.Streams.Dsl;
using Pipeline.Streams.Supervision;
using Pipeline.Streams.Tests.Support;

namespace Pipeline.Streams.Tests.Stages;

public sealed class LinearStageTests : StreamTestKit
{
    private static Source<int, NotUsed> Range(int from, int count) => Source.From(Enumerable.Range(from, count));

    [Fact]
    public async Task SelectMany_Take_TakeWhile_Skip()
    {
        Assert.Equal([1, 1, 2, 2, 3, 3], await Within(Range(1, 3).SelectMany(x => new[] { x, x }).RunToList(Mat)));
        Assert.Equal([1, 2, 3], await Within(Range(1, 100).Take(3).RunToList(Mat)));
        Assert.Equal([1, 2], await Within(Range(1, 100).TakeWhile(x => x < 3).RunToList(Mat)));
        Assert.Equal([1, 2, 3], await Within(Range(1, 100).TakeWhile(x => x < 3, inclusive: true).RunToList(Mat)));
        Assert.Equal([98, 99, 100], await Within(Range(1, 100).Skip(97).RunToList(Mat)));
    }

    [Fact]
    public async Task Take_cancels_an_infinite_upstream()
    {
        var result = await Within(Source.Repeat(7).Take(5).RunToList(Mat));
        Assert.Equal(5, result.Count);
    }

    [Fact]
    public async Task Scan_and_Aggregate()
    {
        Assert.Equal([0, 1, 3, 6], await Within(Range(1, 3).Scan(0, (a, x) => a + x).RunToList(Mat)));
        Assert.Equal([6], await Within(Range(1, 3).Aggregate(0, (a, x) => a + x).RunToList(Mat)));
        Assert.Equal(55, await Within(Range(1, 10).RunAggregate(0, (a, x) => a + x, Mat)));
    }

    [Fact]
    public async Task Grouped_emits_full_groups_and_a_short_last_one()
    {
        var groups = await Within(Range(1, 7).Grouped(3).RunToList(Mat));
        Assert.Equal(3, groups.Count);
        Assert.Equal([1, 2, 3], groups[0]);
        Assert.Equal([7], groups[2]);
    }

    [Fact]
    public async Task GroupedWithin_emits_by_size_and_flushes_the_rest_on_completion()
    {
        var groups = await Within(Range(1, 10).GroupedWithin(4, TimeSpan.FromSeconds(30)).RunToList(Mat));
        Assert.Equal([4, 4, 2], groups.Select(g => g.Count));
        Assert.Equal(Enumerable.Range(1, 10), groups.SelectMany(g => g));
    }

    [Fact]
    public async Task GroupedWithin_emits_a_partial_group_when_the_window_closes()
    {
        var queue = Source.Queue<int>(10, OverflowStrategy.Backpressure).GroupedWithin(100, TimeSpan.FromMilliseconds(100))
            .ToMat(ProbeSink<IReadOnlyList<int>>.Create(), Keep.Both).Run(Mat);
        queue.Item2.Request(1);
        await queue.Item1.OfferAsync(1);
        await queue.Item1.OfferAsync(2);
        Assert.Equal([1, 2], await queue.Item2.ExpectNextAsync());
    }

    [Fact]
    public async Task Batch_aggregates_while_the_downstream_is_slow_and_never_exceeds_max()
    {
        var (queue, probe) = Source.Queue<int>(100, OverflowStrategy.Backpressure)
            .Batch(5, x => new List<int> { x }, (l, x) => { l.Add(x); return l; })
            .ToMat(ProbeSink<List<int>>.Create(), Keep.Both).Run(Mat);
        for (var i = 1; i <= 12; i++) await queue.OfferAsync(i);
        queue.Complete();
        // the batch stage takes 5 into its batch and holds the 6th: the rest stays in the queue
        await TestKit.AwaitHelpers.AwaitConditionAsync(() => queue.Count == 6, message: "the batch stage did not stop pulling at its max");
        probe.Request(10);
        var batches = new List<List<int>>();
        while (true)
        {
            var e = await probe.NextEventAsync();
            if (e.Kind == ProbeEventKind.Complete) break;
            batches.Add(e.Value);
        }
        Assert.All(batches, b => Assert.InRange(b.Count, 1, 5));
        Assert.Equal(Enumerable.Range(1, 12), batches.SelectMany(b => b));
        Assert.Equal([1, 2, 3, 4, 5], batches[0]);
    }

    private static async Task AwaitQueueDrained(ISourceQueue<int> queue)
        => await TestKit.AwaitHelpers.AwaitConditionAsync(() => queue.Count == 0, message: "the queue source did not drain into the batch stage");

    [Fact]
    public async Task Conflate_sums_what_the_slow_downstream_did_not_take()
    {
        var (queue, probe) = Source.Queue<int>(100, OverflowStrategy.Backpressure).Conflate((a, b) => a + b)
            .ToMat(ProbeSink<int>.Create(), Keep.Both).Run(Mat);
        for (var i = 1; i <= 10; i++) await queue.OfferAsync(i);
        queue.Complete();
        await AwaitQueueDrained(queue);
        probe.Request(100);
        var total = 0;
        while (await probe.NextEventAsync() is { Kind: ProbeEventKind.Next } e) total += e.Value;
        Assert.Equal(55, total);
    }

    [Theory]
    [InlineData(OverflowStrategy.DropHead, new[] { 3, 4, 5 })]
    [InlineData(OverflowStrategy.DropTail, new[] { 1, 2, 5 })]
    [InlineData(OverflowStrategy.DropBuffer, new[] { 4, 5 })]
    [InlineData(OverflowStrategy.DropNew, new[] { 1, 2, 3 })]
    public async Task Buffer_overflow_strategies_drop_the_documented_element_and_count_it(OverflowStrategy strategy, int[] expected)
    {
        var ((queue, monitor), probe) = Source.Queue<int>(10, OverflowStrategy.Backpressure)
            .ViaMat(Flow.Create<int>().BufferMonitored(3, strategy), Keep.Both)
            .ToMat(ProbeSink<int>.Create(), Keep.Both).Run(Mat);
        for (var i = 1; i <= 5; i++) await queue.OfferAsync(i);
        queue.Complete();
        await AwaitQueueDrained(queue);
        await TestKit.AwaitHelpers.AwaitConditionAsync(() => monitor.Dropped == 5 - expected.Length, message: "drops not counted");
        probe.Request(10);
        var got = new List<int>();
        while (await probe.NextEventAsync() is { Kind: ProbeEventKind.Next } e) got.Add(e.Value);
        Assert.Equal(expected, got);
        Assert.InRange(monitor.HighWaterMark, 1, 3);
    }

    [Fact]
    public async Task Buffer_with_Fail_fails_the_stream_on_overflow()
    {
        var (queue, probe) = Source.Queue<int>(10, OverflowStrategy.Backpressure).Buffer(2, OverflowStrategy.Fail)
            .ToMat(ProbeSink<int>.Create(), Keep.Both).Run(Mat);
        for (var i = 1; i <= 3; i++) await queue.OfferAsync(i);
        Assert.IsType<BufferOverflowException>(await probe.ExpectErrorAsync());
    }

    [Fact]
    public async Task A_slow_sink_keeps_the_buffer_bounded_while_a_million_records_wait_upstream()
    {
        const int total = 1_000_000;
        var produced = 0L;
        var (monitor, probe) = Source.From(Enumerable.Range(0, total)).Select(x => { Interlocked.Increment(ref produced); return x; })
            .BufferMonitored(100, OverflowStrategy.Backpressure).Async()
            .ToMat(ProbeSink<int>.Create(), Keep.Both).Run(Mat);
        for (var round = 0; round < 5; round++)
        {
            probe.Request(1000);
            await probe.ExpectNextNAsync(1000);
            await Task.Delay(20);
            var inFlight = Interlocked.Read(ref produced) - probe.Received;
            // buffer (100) + async boundary (16) + one element held by each stage in between
            Assert.InRange(inFlight, 0, 100 + 16 + 4);
            Assert.InRange(monitor.Count, 0, 100);
        }
        Assert.Equal(100, monitor.HighWaterMark);
        Assert.True(Interlocked.Read(ref produced) < total / 100, "the upstream ran ahead of the slow sink");
        probe.Cancel();
    }

    [Fact]
    public async Task Throttle_shaping_delivers_everything_in_order_and_enforcing_fails_above_the_rate()
    {
        var shaped = await Within(Range(1, 20).Throttle(100, TimeSpan.FromSeconds(1), 5, ThrottleMode.Shaping).RunToList(Mat));
        Assert.Equal(Enumerable.Range(1, 20), shaped);
        var enforced = Range(1, 20).Throttle(1, TimeSpan.FromSeconds(10), 2, ThrottleMode.Enforcing).RunToList(Mat);
        await Assert.ThrowsAsync<RateExceededException>(() => Within(enforced));
    }

    [Fact]
    public async Task Throttle_shaping_holds_elements_above_the_burst()
    {
        var probe = Range(1, 10).Throttle(1, TimeSpan.FromSeconds(30), 3, ThrottleMode.Shaping).RunWith(ProbeSink<int>.Create(), Mat);
        probe.Request(10);
        Assert.Equal([1, 2, 3], await probe.ExpectNextNAsync(3));
        await probe.ExpectNoEventAsync(TimeSpan.FromMilliseconds(300));
        probe.Cancel();
    }

    [Fact]
    public async Task SelectAsync_keeps_order_and_never_runs_more_than_parallelism_tasks()
    {
        var running = 0;
        var maxRunning = 0;
        var result = await Within(Range(1, 50).SelectAsync(4, async x =>
        {
            var now = Interlocked.Increment(ref running);
            int seen;
            while ((seen = Volatile.Read(ref maxRunning)) < now && Interlocked.CompareExchange(ref maxRunning, now, seen) != seen) { }
            await Task.Delay(x % 3 == 0 ? 5 : 1);
            Interlocked.Decrement(ref running);
            return x * 10;
        }).RunToList(Mat), 20);
        Assert.Equal(Enumerable.Range(1, 50).Select(x => x * 10), result);
        Assert.InRange(maxRunning, 1, 4);
    }

    [Fact]
    public async Task SelectAsyncUnordered_emits_every_result_as_it_completes()
    {
        var gates = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var probe = Source.From([0, 1, 2]).SelectAsyncUnordered(3, i => gates[i].Task).RunWith(ProbeSink<int>.Create(), Mat);
        probe.Request(3);
        gates[2].SetResult(2);
        Assert.Equal(2, await probe.ExpectNextAsync());
        gates[0].SetResult(0);
        Assert.Equal(0, await probe.ExpectNextAsync());
        gates[1].SetResult(1);
        Assert.Equal(1, await probe.ExpectNextAsync());
        await probe.ExpectCompleteAsync();
    }

    [Fact]
    public async Task SelectAsync_failures_follow_the_decider()
    {
        var resumed = await Within(Range(1, 5).SelectAsync(2, x => x == 3 ? Task.FromException<int>(new FormatException("3")) : Task.FromResult(x))
            .WithSupervision(Deciders.Resuming).RunToList(Mat));
        Assert.Equal([1, 2, 4, 5], resumed);
        var stopped = Range(1, 5).SelectAsync(2, x => x == 3 ? Task.FromException<int>(new FormatException("3")) : Task.FromResult(x)).RunToList(Mat);
        await Assert.ThrowsAsync<FormatException>(() => Within(stopped));
    }

    [Fact]
    public async Task Supervision_resume_keeps_state_restart_resets_it_stop_fails()
    {
        static int Check(int x) => x == 3 ? throw new ArgumentException("three") : x;
        var resume = await Within(Range(1, 5).Select(Check).Scan(0, (a, x) => a + x).WithSupervision(Deciders.Resuming).RunToList(Mat));
        Assert.Equal([0, 1, 3, 7, 12], resume);
        var restart = await Within(Range(1, 5).Scan(0, (a, x) => x == 3 ? throw new ArgumentException("three") : a + x)
            .WithSupervision(Deciders.Restarting).RunToList(Mat));
        Assert.Equal([0, 1, 3, 4, 9], restart);
        var stop = Range(1, 5).Select(Check).RunToList(Mat);
        await Assert.ThrowsAsync<ArgumentException>(() => Within(stop));
    }

    [Fact]
    public async Task A_decider_can_choose_per_exception()
    {
        Decider decider = e => e is FormatException ? Directive.Resume : Directive.Stop;
        var ok = await Within(Range(1, 4).Select(x => x == 2 ? throw new FormatException() : x).WithSupervision(decider).RunToList(Mat));
        Assert.Equal([1, 3, 4], ok);
        var failed = Range(1, 4).Select(x => x == 2 ? throw new InvalidOperationException() : x).WithSupervision(decider).RunToList(Mat);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Within(failed));
    }

    [Fact]
    public async Task Recover_turns_a_failure_into_a_last_element()
    {
        var result = await Within(Range(1, 5).Select(x => x == 4 ? throw new TimeoutException() : x)
            .Recover(_ => -1).RunToList(Mat));
        Assert.Equal([1, 2, 3, -1], result);
        var notRecovered = Source.Failed<int>(new FormatException()).Recover(_ => -1, when: e => e is TimeoutException).RunToList(Mat);
        await Assert.ThrowsAsync<FormatException>(() => Within(notRecovered));
    }

    [Fact]
    public async Task Tick_emits_while_there_is_demand_and_its_cancelable_completes_it()
    {
        var (tick, probe) = Source.Tick(TimeSpan.Zero, TimeSpan.FromMilliseconds(20), "t").ToMat(ProbeSink<string>.Create(), Keep.Both).Run(Mat);
        probe.Request(3);
        Assert.Equal(["t", "t", "t"], await probe.ExpectNextNAsync(3));
        tick.Cancel();
        await probe.ExpectCompleteAsync();
    }
}
