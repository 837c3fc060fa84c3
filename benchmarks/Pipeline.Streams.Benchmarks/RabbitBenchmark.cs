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
        var stream = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var sw = Stopwatch.StartNew();
        await Source.Range(0, count - 1).Select(i => new Event(i, "payload-" + i))
            .RunWith(RabbitStreamSink.Json<Event>(new RabbitStreamSinkSettings(uri, stream) { BatchSize = 1000 }), materializer);
        Console.WriteLine($"{"rabbitmq publish, confirms per 1,000",-42} {count / sw.Elapsed.TotalSeconds / 1e3,8:0.0} K records/s ({count:N0} records, {sw.ElapsedMilliseconds} ms)");

        var store = new FileOffsetStore(Directory.CreateTempSubdirectory("bench-offsets-").FullName);
        sw.Restart();
        await RabbitStreamSource.Json<Event>(new RabbitStreamSourceSettings(uri, stream) { Prefetch = 2000 }, store, new ChannelQuarantine())
            .Take(count)
            .RunWith(Committer.Sink<CommittableRecord<Event>>(store, new CommitterSettings { MaxBatch = 1000 }), materializer);
        Console.WriteLine($"{"rabbitmq consume, commit every 1,000",-42} {count / sw.Elapsed.TotalSeconds / 1e3,8:0.0} K records/s ({count:N0} records, {sw.ElapsedMilliseconds} ms, last commit {await store.LoadAsync("rabbitmq:" + stream)})");
    }
}
