using System.Diagnostics;
using Pipeline.Streams;
using Pipeline.Streams.Connectors.RabbitMq;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Offsets;
using Pipeline.Streams.Quarantine;

/// <summary>RabbitMQ stream publish (confirms in batches) and consume (commits every 1,000) throughput.</summary>
internal static class RabbitBenchmark
{
    public sealed record Event(long Id, string Payload);

    public static async Task RunAsync(Uri uri, int count, Materializer materializer)
    {
        var raw = Environment.GetEnvironmentVariable("BENCH_RABBIT_RAW") == "1";
        var stream = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var sw = Stopwatch.StartNew();
        await Source.Range(0, count - 1).Select(i => new Event(i, "payload-" + i))
            .RunWith(RabbitStreamSink.Json<Event>(new RabbitStreamSinkSettings(uri, stream) { BatchSize = 1000 }), materializer);
        Console.WriteLine($"{"rabbitmq publish, confirms per 1,000",-42} {count / sw.Elapsed.TotalSeconds / 1e3,8:0.0} K records/s ({count:N0} records, {sw.ElapsedMilliseconds} ms)");

        // warm-up (JIT and tiering of the consume path): the first 50,000 records, with offsets of their own
        var warmStore = new FileOffsetStore(Directory.CreateTempSubdirectory("bench-offsets-").FullName);
        await RabbitStreamSource.Json<Event>(new RabbitStreamSourceSettings(uri, stream) { Prefetch = 2000 }, warmStore, new ChannelQuarantine())
            .Take(Math.Min(50_000, count))
            .RunWith(Committer.Sink<CommittableRecord<Event>>(warmStore, new CommitterSettings { MaxBatch = 1000 }), materializer);

        var store = new CountingStore(new FileOffsetStore(Directory.CreateTempSubdirectory("bench-offsets-").FullName));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        sw.Restart();
        await RabbitStreamSource.Json<Event>(new RabbitStreamSourceSettings(uri, stream) { Prefetch = 2000 }, store, new ChannelQuarantine())
            .Take(count)
            .RunWith(Committer.Sink<CommittableRecord<Event>>(store, new CommitterSettings { MaxBatch = 1000 }), materializer);
        Console.WriteLine($"{"rabbitmq consume, commit every 1,000",-42} {count / sw.Elapsed.TotalSeconds / 1e3,8:0.0} K records/s ({count:N0} records, {sw.ElapsedMilliseconds} ms, last commit {await store.LoadAsync("rabbitmq:" + stream)} after {store.Commits} commits, {CpuMicros(cpu, count):0.0} µs CPU per record in this process)");
        if (raw)
        {
            // attribution: the source alone (bytes, no JSON, no committer), then with JSON but no committer
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            sw.Restart();
            await RabbitStreamSource.Create(new RabbitStreamSourceSettings(uri, stream) { Prefetch = 2000 }, new InMemoryOffsetStore(), static b => b.Length, new ChannelQuarantine())
                .Take(count).RunWith(Sink.Ignore<CommittableRecord<int>>(), materializer);
            Console.WriteLine($"{"rabbitmq consume, source only (no JSON)",-42} {count / sw.Elapsed.TotalSeconds / 1e3,8:0.0} K records/s ({sw.ElapsedMilliseconds} ms, {CpuMicros(cpu, count):0.0} µs CPU per record in this process)");
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            sw.Restart();
            await RabbitStreamSource.Json<Event>(new RabbitStreamSourceSettings(uri, stream) { Prefetch = 2000 }, new InMemoryOffsetStore(), new ChannelQuarantine())
                .Take(count).RunWith(Sink.Ignore<CommittableRecord<Event>>(), materializer);
            Console.WriteLine($"{"rabbitmq consume, JSON, no committer",-42} {count / sw.Elapsed.TotalSeconds / 1e3,8:0.0} K records/s ({sw.ElapsedMilliseconds} ms, {CpuMicros(cpu, count):0.0} µs CPU per record in this process)");
            await RawConsumeAsync(uri, stream, count);
            // the committed run once more, now that the broker has settled after the publish (same state as the rows above)
            var again = new CountingStore(new FileOffsetStore(Directory.CreateTempSubdirectory("bench-offsets-").FullName));
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            sw.Restart();
            await RabbitStreamSource.Json<Event>(new RabbitStreamSourceSettings(uri, stream) { Prefetch = 2000 }, again, new ChannelQuarantine())
                .Take(count)
                .RunWith(Committer.Sink<CommittableRecord<Event>>(again, new CommitterSettings { MaxBatch = 1000 }), materializer);
            Console.WriteLine($"{"rabbitmq consume, commit every 1,000 (again)",-42} {count / sw.Elapsed.TotalSeconds / 1e3,8:0.0} K records/s ({sw.ElapsedMilliseconds} ms, {again.Commits} commits, {CpuMicros(cpu, count):0.0} µs CPU per record in this process)");
        }
    }

    /// <summary>The ceiling: a bare RabbitMQ.Client consumer (prefetch 2,000, multiple-acks every 500) that only counts.</summary>
    private static async Task RawConsumeAsync(Uri uri, string stream, int count)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = uri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicQosAsync(0, 2000, false);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = 0;
        var consumer = new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, ea) =>
        {
            received++;
            if (received % 500 == 0 || received == count) await channel.BasicAckAsync(ea.DeliveryTag, true);
            if (received == count) done.TrySetResult();
        };
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        await channel.BasicConsumeAsync(stream, false, "", false, false, new Dictionary<string, object?> { ["x-stream-offset"] = "first" }, consumer);
        await done.Task;
        Console.WriteLine($"{"rabbitmq consume, bare client (ceiling)",-42} {count / sw.Elapsed.TotalSeconds / 1e3,8:0.0} K records/s ({count:N0} records, {sw.ElapsedMilliseconds} ms, {CpuMicros(cpu, count):0.0} µs CPU per record in this process)");
    }

    /// <summary>Counts the commits that reach the store (the committer coalesces when the store lags).</summary>
    private sealed class CountingStore(IOffsetStore inner) : IOffsetStore
    {
        private int _commits;

        public int Commits => Volatile.Read(ref _commits);

        public ValueTask<long?> LoadAsync(string sourceId, CancellationToken cancellationToken = default) => inner.LoadAsync(sourceId, cancellationToken);

        public ValueTask CommitAsync(string sourceId, long offset, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _commits);
            return inner.CommitAsync(sourceId, offset, cancellationToken);
        }
    }

    private static double CpuMicros(TimeSpan before, int count) => (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMicroseconds / count;
}
