using Pipeline.Streams.Dsl;
using Pipeline.Streams.Offsets;
using Pipeline.Streams.Tests.Support;
using Pipeline.TestKit;

namespace Pipeline.Streams.Tests.Offsets;

public sealed class CommitterTests : StreamTestKit
{
    /// <summary>A store whose commits wait until the test releases them.</summary>
    private sealed class GatedStore : IOffsetStore
    {
        private readonly InMemoryOffsetStore _inner = new();
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Started;

        public ValueTask<long?> LoadAsync(string sourceId, CancellationToken cancellationToken = default) => _inner.LoadAsync(sourceId, cancellationToken);

        public async ValueTask CommitAsync(string sourceId, long offset, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Started);
            await Gate.Task.WaitAsync(cancellationToken);
            await _inner.CommitAsync(sourceId, offset, cancellationToken);
        }
    }

    [Fact]
    public async Task The_stream_keeps_flowing_while_commits_are_in_flight_up_to_the_bound()
    {
        var store = new GatedStore();
        var passed = 0;
        var done = Source.From(Enumerable.Range(0, 100)).Select(i => { Interlocked.Increment(ref passed); return new CommittableRecord<int>("s", i, i); })
            .RunWith(Committer.Sink<CommittableRecord<int>>(store, new CommitterSettings { MaxBatch = 10, MaxInFlight = 2, MaxInterval = TimeSpan.FromMinutes(1) }), Mat);

        // the first commit hangs, yet the next 10 records flow and a second commit starts; the third batch fills
        // and waits for a slot: the sink stops pulling
        await AwaitHelpers.AwaitConditionAsync(() => Volatile.Read(ref store.Started) == 2 && Volatile.Read(ref passed) >= 30, TestTimeouts.Default);
        await Task.Delay(200);
        Assert.InRange(Volatile.Read(ref passed), 30, 31);
        Assert.Equal(2, Volatile.Read(ref store.Started));
        Assert.False(done.IsCompleted);

        store.Gate.SetResult();
        await Within(done);
        Assert.Equal(10, Volatile.Read(ref store.Started)); // exactly one commit per 10 records
        Assert.Equal(99, await store.LoadAsync("s"));
    }

    [Fact]
    public async Task Records_of_several_sources_are_committed_per_source()
    {
        var store = new InMemoryOffsetStore();
        var records = Enumerable.Range(0, 250).Select(i => new CommittableRecord<int>(i % 2 == 0 ? "even" : "odd", i / 2, i));

        await Within(Source.From(records).RunWith(Committer.Sink<CommittableRecord<int>>(store, new CommitterSettings { MaxBatch = 7 }), Mat));

        Assert.Equal(124, await store.LoadAsync("even"));
        Assert.Equal(124, await store.LoadAsync("odd"));
    }

    [Fact]
    public async Task A_failing_commit_fails_the_sink()
    {
        var store = new FailingStore();
        var done = Source.From(Enumerable.Range(0, 50)).Select(i => new CommittableRecord<int>("s", i, i))
            .RunWith(Committer.Sink<CommittableRecord<int>>(store, new CommitterSettings { MaxBatch = 10 }), Mat);

        var error = await Assert.ThrowsAsync<IOException>(() => Within(done));
        Assert.Equal("disk full", error.Message);
    }

    private sealed class FailingStore : IOffsetStore
    {
        public ValueTask<long?> LoadAsync(string sourceId, CancellationToken cancellationToken = default) => ValueTask.FromResult<long?>(null);

        public ValueTask CommitAsync(string sourceId, long offset, CancellationToken cancellationToken = default) => ValueTask.FromException(new IOException("disk full"));
    }
}
