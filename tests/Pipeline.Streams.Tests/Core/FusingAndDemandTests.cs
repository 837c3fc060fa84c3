using Pipeline.Streams.Dsl;
using Pipeline.Streams.Tests.Support;

namespace Pipeline.Streams.Tests.Core;

public sealed class FusingAndDemandTests : StreamTestKit
{
    [Fact]
    public async Task A_fused_chain_transforms_every_element_in_order()
    {
        var result = await Within(Source.From(Enumerable.Range(1, 10_000))
            .Select(x => x * 2).Where(x => x % 3 != 0).Select(x => x + 1)
            .RunToList(Mat));
        Assert.Equal(Enumerable.Range(1, 10_000).Select(x => x * 2).Where(x => x % 3 != 0).Select(x => x + 1), result);
    }

    [Fact]
    public async Task A_subscriber_that_requests_N_receives_at_most_N_and_the_source_produces_no_more()
    {
        var produced = 0;
        var probe = Source.From(Enumerable.Range(1, 1000)).Select(x => { Interlocked.Increment(ref produced); return x; })
            .RunWith(ProbeSink<int>.Create(), Mat);
        probe.Request(3);
        Assert.Equal([1, 2, 3], await probe.ExpectNextNAsync(3));
        await probe.ExpectNoEventAsync(TimeSpan.FromMilliseconds(200));
        Assert.Equal(3, probe.Received);
        Assert.Equal(3, Volatile.Read(ref produced));
        probe.Request(2);
        Assert.Equal([4, 5], await probe.ExpectNextNAsync(2));
        await probe.ExpectNoEventAsync(TimeSpan.FromMilliseconds(100));
        Assert.Equal(5, Volatile.Read(ref produced));
    }

    [Fact]
    public async Task Demand_is_bounded_across_an_async_boundary_by_its_buffer()
    {
        var produced = 0;
        var probe = Source.From(Enumerable.Range(1, 1000)).Select(x => { Interlocked.Increment(ref produced); return x; })
            .Async().WithAttributes(Attributes.CreateInputBuffer(4))
            .RunWith(ProbeSink<int>.Create().WithAttributes(Attributes.CreateInputBuffer(4)), Mat);
        probe.Request(2);
        await probe.ExpectNextNAsync(2);
        await probe.ExpectNoEventAsync(TimeSpan.FromMilliseconds(200));
        // two delivered, at most a buffer's worth (4) prefetched, at most one more held by the boundary's pull
        Assert.InRange(Volatile.Read(ref produced), 2, 2 + 4 + 1);
    }

    [Fact]
    public async Task Order_is_preserved_across_async_boundaries()
    {
        var result = await Within(Source.From(Enumerable.Range(0, 100_000)).Async()
            .Select(x => x + 1).Async()
            .Via(Flow.Create<int>().Select(x => x - 1).Async())
            .RunToList(Mat), 20);
        Assert.Equal(Enumerable.Range(0, 100_000), result);
    }

    [Fact]
    public async Task A_failure_travels_downstream_to_the_sink_task()
    {
        var task = Source.From(Enumerable.Range(1, 10)).Select(x => x == 5 ? throw new FormatException("bad 5") : x).RunToList(Mat);
        var e = await Assert.ThrowsAsync<FormatException>(() => Within(task));
        Assert.Equal("bad 5", e.Message);
    }

    [Fact]
    public async Task Empty_single_and_failed_sources_behave()
    {
        Assert.Empty(await Within(Source.Empty<int>().RunToList(Mat)));
        Assert.Equal([7], await Within(Source.Single(7).RunToList(Mat)));
        await Assert.ThrowsAsync<TimeoutException>(() => Within(Source.Failed<int>(new TimeoutException("x")).RunToList(Mat)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Within(Source.Empty<int>().RunWith(Sink.First<int>(), Mat)));
        Assert.Equal(0, await Within(Source.Empty<int>().RunWith(Sink.FirstOrDefault<int>(), Mat)));
    }

    [Fact]
    public async Task A_blueprint_can_be_run_many_times_with_fresh_state()
    {
        var graph = Source.From(Enumerable.Range(1, 5)).Scan(0, (a, x) => a + x).ToMat(Sink.Seq<int>(), Keep.Right);
        var first = await Within(graph.Run(Mat));
        var second = await Within(graph.Run(Mat));
        Assert.Equal([0, 1, 3, 6, 10, 15], first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Async_enumerable_and_channel_sources_and_sinks_round_trip()
    {
        static async IAsyncEnumerable<int> Numbers()
        {
            for (var i = 0; i < 50; i++)
            {
                if (i % 10 == 0) await Task.Yield();
                yield return i;
            }
        }
        var channel = System.Threading.Channels.Channel.CreateBounded<int>(4);
        var writing = Source.FromAsyncEnumerable(Numbers()).RunWith(Sink.ToChannel(channel.Writer), Mat);
        var read = await Within(Source.FromChannel(channel.Reader).RunToList(Mat));
        await Within(writing);
        Assert.Equal(Enumerable.Range(0, 50), read);
    }

    [Fact]
    public async Task The_system_terminating_aborts_running_streams()
    {
        var running = Source.Repeat(1).RunWith(Sink.Ignore<int>(), Mat);
        await Sys.Terminate();
        await Assert.ThrowsAsync<AbruptTerminationException>(() => Within(running));
    }
}
