using System.Collections.Concurrent;
using System.Text;
using Pipeline.Streams.Connectors.RabbitMq;
using Pipeline.Streams.Control;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Offsets;
using Pipeline.Streams.Quarantine;
using Pipeline.Streams.Tests.Support;

namespace Pipeline.Streams.Tests.Connectors;

public sealed record Order(int Id, string Customer);

public sealed class RabbitStreamTests : StreamTestKit
{
    private static async Task PublishAsync(Materializer mat, string stream, IEnumerable<Order> orders)
        => await Source.From(orders).RunWith(RabbitStreamSink.Json<Order>(new RabbitStreamSinkSettings(RabbitMqFixture.Uri, stream) { BatchSize = 200 }), mat)
            .WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Records_are_consumed_in_order_and_offsets_committed_after_processing()
    {
        var stream = RabbitMqFixture.NewStreamName();
        await PublishAsync(Mat, stream, Enumerable.Range(0, 1000).Select(i => new Order(i, "c" + (i % 7))));
        var store = new InMemoryOffsetStore();
        var processed = new ConcurrentQueue<CommittableRecord<Order>>();
        var settings = new RabbitStreamSourceSettings(RabbitMqFixture.Uri, stream) { Prefetch = 50 };
        var done = RabbitStreamSource.Json<Order>(settings, store, new ChannelQuarantine())
            .Take(1000)
            .Select(r => { processed.Enqueue(r); return r; })
            .RunWith(Committer.Sink<CommittableRecord<Order>>(store, new CommitterSettings { MaxBatch = 100, MaxInterval = TimeSpan.FromMinutes(1) }), Mat);
        await Within(done, 30);
        Assert.Equal(Enumerable.Range(0, 1000), processed.Select(r => r.Value.Id));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), processed.Select(r => r.Offset));
        Assert.Equal(999, await store.LoadAsync("rabbitmq:" + stream));
        Assert.Equal(10, store.Commits);
    }

    [Fact]
    public async Task A_restarted_consumer_resumes_after_the_committed_offset_with_duplicates_only_after_it()
    {
        var stream = RabbitMqFixture.NewStreamName();
        await PublishAsync(Mat, stream, Enumerable.Range(0, 1000).Select(i => new Order(i, "x")));
        var store = new FileOffsetStore(Directory.CreateTempSubdirectory("pipeline-offsets-").FullName);
        var settings = new RabbitStreamSourceSettings(RabbitMqFixture.Uri, stream) { Prefetch = 100 };
        var committer = new CommitterSettings { MaxBatch = 100, MaxInterval = TimeSpan.FromMinutes(1) };

        // first consumer: killed (aborted, no final commit) after it processed about 550 records
        var first = new ConcurrentQueue<long>();
        var crash = KillSwitches.Shared("crash");
        var firstDone = RabbitStreamSource.Json<Order>(settings, store, new ChannelQuarantine())
            .Via(crash.Flow<CommittableRecord<Order>>())
            .Select(r =>
            {
                first.Enqueue(r.Offset);
                if (first.Count == 550) crash.Abort(new IOException("simulated crash"));
                return r;
            })
            .RunWith(Committer.Sink<CommittableRecord<Order>>(store, committer), Mat);
        await Assert.ThrowsAsync<IOException>(() => Within(firstDone, 30));
        // second consumer (a fresh one, as after a restart): resumes after the committed offset
        var second = new ConcurrentQueue<long>();
        var secondDone = RabbitStreamSource.Json<Order>(settings, store, new ChannelQuarantine())
            .TakeWhile(r => r.Offset < 999, inclusive: true)
            .Select(r => { second.Enqueue(r.Offset); return r; })
            .RunWith(Committer.Sink<CommittableRecord<Order>>(store, committer), Mat);
        await Within(secondDone, 30);

        // the second consumer started right after the offset committed when it started
        var committedAtRestart = second.First() - 1;
        Assert.True((committedAtRestart + 1) % 100 == 0, $"commits happen every 100 records, but the consumer resumed at {second.First()}");
        Assert.InRange(committedAtRestart, 99, first.Max()); // commits lag behind processing, never run ahead of it
        var all = first.Concat(second).ToHashSet();
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), all.Order());          // nothing lost
        var duplicates = first.Intersect(second).ToList();
        Assert.All(duplicates, d => Assert.True(d > committedAtRestart, $"offset {d} was processed twice but was committed"));
        Assert.Equal((long?)999, await store.LoadAsync(settings.EffectiveSourceIdForTests()));
        Assert.Equal(999L, second.Last());
    }

    [Fact]
    public async Task Records_that_do_not_deserialize_are_quarantined_with_their_offset_and_the_stream_goes_on()
    {
        var stream = RabbitMqFixture.NewStreamName();
        var bodies = new[] { """{"id":1,"customer":"a"}""", "{not json", """{"id":3,"customer":"c"}""" };
        await Source.From(bodies).Select(b => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(b))
            .RunWith(RabbitStreamSink.Create(new RabbitStreamSinkSettings(RabbitMqFixture.Uri, stream)), Mat).WaitAsync(TimeSpan.FromSeconds(30));
        var quarantine = new ChannelQuarantine();
        var records = await Within(RabbitStreamSource.Json<Order>(new RabbitStreamSourceSettings(RabbitMqFixture.Uri, stream), new InMemoryOffsetStore(), quarantine)
            .Take(2).RunToList(Mat), 30);
        Assert.Equal([1, 3], records.Select(r => r.Value.Id));
        var bad = Assert.Single(quarantine.Drain());
        Assert.Equal($"stream {stream} offset 1", bad.Position);
        Assert.Equal("{not json", bad.Raw);
    }

    [Fact]
    public async Task Prefetch_bounds_what_the_source_holds_when_the_downstream_is_slow()
    {
        var stream = RabbitMqFixture.NewStreamName();
        await PublishAsync(Mat, stream, Enumerable.Range(0, 2000).Select(i => new Order(i, "x")));
        var probe = RabbitStreamSource.Json<Order>(new RabbitStreamSourceSettings(RabbitMqFixture.Uri, stream) { Prefetch = 20 }, new InMemoryOffsetStore(), new ChannelQuarantine())
            .RunWith(ProbeSink<CommittableRecord<Order>>.Create(), Mat);
        probe.Request(5);
        var first = await probe.ExpectNextNAsync(5);
        Assert.Equal([0L, 1, 2, 3, 4], first.Select(r => r.Offset));
        await probe.ExpectNoEventAsync(TimeSpan.FromMilliseconds(300));
        probe.Request(10);
        Assert.Equal(Enumerable.Range(5, 10).Select(i => (long)i), (await probe.ExpectNextNAsync(10)).Select(r => r.Offset));
        probe.Cancel();
    }
}

internal static class RabbitTestExtensions
{
    public static string EffectiveSourceIdForTests(this RabbitStreamSourceSettings settings) => settings.SourceId ?? "rabbitmq:" + settings.Stream;
}

public sealed class RabbitReconnectTests : StreamTestKit
{
    [Fact]
    public async Task A_lost_connection_is_retried_with_backoff_and_the_stream_resumes_without_loss_or_duplicates()
    {
        var stream = RabbitMqFixture.NewStreamName();
        await Source.From(Enumerable.Range(0, 600).Select(i => new Order(i, "r")))
            .RunWith(RabbitStreamSink.Json<Order>(new RabbitStreamSinkSettings(RabbitMqFixture.Uri, stream) { BatchSize = 300 }), Mat)
            .WaitAsync(TimeSpan.FromSeconds(30));
        var broker = RabbitMqFixture.Uri;
        await using var proxy = new TcpProxy(broker.Host, broker.Port);
        var viaProxy = new UriBuilder(broker) { Port = proxy.Port }.Uri;
        var settings = new RabbitStreamSourceSettings(viaProxy, stream)
        {
            Prefetch = 50,
            Reconnect = new Restart.RestartSettings(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200)),
        };
        var probe = RabbitStreamSource.Json<Order>(settings, new InMemoryOffsetStore(), new ChannelQuarantine())
            .RunWith(ProbeSink<CommittableRecord<Order>>.Create(), Mat);
        probe.Request(200);
        var before = await probe.ExpectNextNAsync(200);
        proxy.CutAll();
        probe.Request(400);
        var after = await probe.ExpectNextNAsync(400);
        Assert.True(proxy.Accepted >= 2, "the source did not reconnect");
        Assert.Equal(Enumerable.Range(0, 600).Select(i => (long)i), before.Concat(after).Select(r => r.Offset));
        probe.Cancel();
    }
}

public sealed class RabbitSuperStreamTests : StreamTestKit
{
    [Fact]
    public async Task The_partitions_of_a_super_stream_are_consumed_as_one_source_in_order_per_partition()
    {
        var super = RabbitMqFixture.NewStreamName();
        await RabbitSuperStreamSource.DeclareAsync(RabbitMqFixture.Uri, super, 3).WaitAsync(TimeSpan.FromSeconds(30));
        for (var p = 0; p < 3; p++)
        {
            var partition = p;
            await Source.From(Enumerable.Range(0, 100).Select(i => new Order(partition * 1000 + i, "p" + partition)))
                .RunWith(RabbitStreamSink.Json<Order>(new RabbitStreamSinkSettings(RabbitMqFixture.Uri, RabbitSuperStreamSource.PartitionName(super, partition)) { DeclareStream = false }), Mat)
                .WaitAsync(TimeSpan.FromSeconds(30));
        }
        var store = new InMemoryOffsetStore();
        var records = await Within(RabbitSuperStreamSource.Json<Order>(RabbitMqFixture.Uri, super, 3, store, new ChannelQuarantine())
            .Take(300).AlsoTo(Committer.Sink<CommittableRecord<Order>>(store)).RunToList(Mat), 30);
        for (var p = 0; p < 3; p++)
        {
            var ofPartition = records.Where(r => r.SourceId == "rabbitmq:" + RabbitSuperStreamSource.PartitionName(super, p)).ToList();
            Assert.Equal(Enumerable.Range(0, 100).Select(i => p * 1000 + i), ofPartition.Select(r => r.Value.Id));
        }
    }
}
