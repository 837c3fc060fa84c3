using System.Globalization;
using Pipeline.Runtime.Actors;
using Pipeline.Streams;
using Pipeline.Streams.Connectors.RabbitMq;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Offsets;
using Pipeline.Streams.Quarantine;

// A consumer process for the crash tests of the RabbitMQ stream source: consumes a stream at a limited rate,
// prints "processed <offset>" after processing each record, commits every 100 records to a FileOffsetStore, and
// prints "done" after the record at <last offset> is processed and committed. The tests kill it with SIGKILL.
// Usage: Pipeline.Streams.CrashHost <amqp uri> <stream> <offsets folder> <last offset> <records per second>
// Second mode, for the stream-ref node-death test: joins a cluster (SQLite membership file, system name) on
// 127.0.0.1, prints "READY <actor path>", and answers any string with a SourceRef<long> of an endless count.
// Usage: Pipeline.Streams.CrashHost streamref <membership file> <system name>
if (args is ["streamref", var membership, var systemName])
{
    await StreamRefHost.RunAsync(membership, systemName);
    return 0;
}
if (args.Length != 5)
{
    await Console.Error.WriteLineAsync("usage: Pipeline.Streams.CrashHost <amqp uri> <stream> <offsets folder> <last offset> <records per second>");
    return 2;
}
var uri = new Uri(args[0]);
var stream = args[1];
var store = new FileOffsetStore(args[2]);
var last = long.Parse(args[3], CultureInfo.InvariantCulture);
var rate = int.Parse(args[4], CultureInfo.InvariantCulture);

await using var system = ActorSystem.Create("crash-host");
var done = RabbitStreamSource.Json<CrashOrder>(new RabbitStreamSourceSettings(uri, stream) { Prefetch = 100 }, store, new ChannelQuarantine())
    .Throttle(rate, TimeSpan.FromSeconds(1), Math.Max(1, rate / 20), ThrottleMode.Shaping)
    .TakeWhile(r => r.Offset < last, inclusive: true)
    .Select(r =>
    {
        Console.Out.WriteLine("processed " + r.Offset.ToString(CultureInfo.InvariantCulture));
        Console.Out.Flush();
        return r;
    })
    .RunWith(Committer.Sink<CommittableRecord<CrashOrder>>(store, new CommitterSettings { MaxBatch = 100, MaxInterval = TimeSpan.FromMinutes(1) }), system.Materializer());
await done;
Console.Out.WriteLine("done");
Console.Out.Flush();
return 0;

/// <summary>The record type the crash tests publish.</summary>
public sealed record CrashOrder(int Id, string Customer);
