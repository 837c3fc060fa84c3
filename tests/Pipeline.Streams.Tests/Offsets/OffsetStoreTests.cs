using Pipeline.Streams.Dsl;
using Pipeline.Streams.Offsets;
using Pipeline.Streams.Tests.Support;

namespace Pipeline.Streams.Tests.Offsets;

public sealed class OffsetStoreTests : StreamTestKit
{
    [Fact]
    public async Task The_file_store_survives_a_new_instance_and_never_goes_back()
    {
        var dir = Directory.CreateTempSubdirectory("pipeline-offsets-").FullName;
        var store = new FileOffsetStore(dir);
        Assert.Null(await store.LoadAsync("rabbitmq:orders/1"));
        await store.CommitAsync("rabbitmq:orders/1", 41);
        await store.CommitAsync("rabbitmq:orders/1", 7);
        await store.CommitAsync("other", 3);
        var reopened = new FileOffsetStore(dir);
        Assert.Equal(41, await reopened.LoadAsync("rabbitmq:orders/1"));
        Assert.Equal(3, await reopened.LoadAsync("other"));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public async Task A_corrupt_offset_file_fails_with_the_file_and_the_fix()
    {
        var dir = Directory.CreateTempSubdirectory("pipeline-offsets-").FullName;
        var store = new FileOffsetStore(dir);
        await store.CommitAsync("s", 1);
        await File.WriteAllTextAsync(Directory.GetFiles(dir).Single(), "garbage");
        var e = await Assert.ThrowsAsync<InvalidDataException>(async () => await store.LoadAsync("s"));
        Assert.Contains("Delete it", e.Message);
    }

    [Fact]
    public async Task The_committer_commits_the_highest_offset_per_source_every_N_and_at_the_end()
    {
        var store = new InMemoryOffsetStore();
        var records = Enumerable.Range(0, 250).Select(i => new CommittableRecord<int>(i % 2 == 0 ? "a" : "b", i / 2, i));
        await Within(Source.From(records).RunWith(Committer.Sink<CommittableRecord<int>>(store, new CommitterSettings { MaxBatch = 100, MaxInterval = TimeSpan.FromMinutes(1) }), Mat));
        Assert.Equal(124, await store.LoadAsync("a"));
        Assert.Equal(124, await store.LoadAsync("b"));
        Assert.Equal(6, store.Commits); // 3 batches (100, 100, 50) x 2 sources
    }

    [Fact]
    public async Task The_committer_commits_on_its_interval_when_records_trickle_in()
    {
        var store = new InMemoryOffsetStore();
        var queue = Source.Queue<CommittableRecord<int>>(10, OverflowStrategy.Backpressure)
            .To(Committer.Sink<CommittableRecord<int>>(store, new CommitterSettings { MaxBatch = 1000, MaxInterval = TimeSpan.FromMilliseconds(50) })).Run(Mat);
        await queue.OfferAsync(new CommittableRecord<int>("s", 5, 0));
        await TestKit.AwaitHelpers.AwaitConditionAsync(() => store.LoadAsync("s").AsTask().GetAwaiter().GetResult() == 5, message: "the interval commit did not happen");
        queue.Complete();
    }

    [Fact]
    public async Task Concurrent_file_commits_each_return_with_their_offset_durable_and_end_at_the_highest()
    {
        var folder = Directory.CreateTempSubdirectory("pipeline-offsets-").FullName;
        var store = new FileOffsetStore(folder);

        await Task.WhenAll(Enumerable.Range(1, 50).Select(async i =>
        {
            await store.CommitAsync("s", i);
            // whatever was merged into which write, this caller's offset is on disk when its commit returns
            Assert.True(await new FileOffsetStore(folder).LoadAsync("s") >= i);
        }));

        Assert.Equal(50, await new FileOffsetStore(folder).LoadAsync("s"));
    }
}
