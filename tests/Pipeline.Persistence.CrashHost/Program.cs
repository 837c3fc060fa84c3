// Crash-test child: persists a numbered event stream and prints each acknowledged sequence number.
// The crash test kills it with SIGKILL mid-stream and then checks the journal against what was printed.
//
// usage: Pipeline.Persistence.CrashHost [actor] <Sqlite|PostgreSql> <connection string> <persistence id> <count> [schema]
// With "actor" first, the stream is persisted by a PersistentActor (see ActorMode.cs).
// output: "recovered N" (highest stored sequence nr at start), then "ack S" per acknowledged write, then "done".
using System.Text;
using Pipeline.Persistence;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Journal;

if (args.Length > 0 && args[0] == "actor") return await Pipeline.Persistence.CrashHost.ActorMode.RunAsync(args[1..]);

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: Pipeline.Persistence.CrashHost <Sqlite|PostgreSql> <connection string> <persistence id> <count> [schema]");
    return 64;
}

var settings = new PersistenceSettings
{
    Provider = Enum.Parse<PersistenceProvider>(args[0], ignoreCase: true),
    ConnectionString = args[1],
    Schema = args.Length > 4 ? args[4] : null,
};
var persistenceId = args[2];
var count = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
const int InFlight = 16;

await using var store = PersistenceFactory.Create(settings);
await store.StartAsync();
var highest = await store.Journal.ReadHighestSequenceNrAsync(persistenceId);
var stdout = Console.Out;
await stdout.WriteLineAsync($"recovered {highest}");
await stdout.FlushAsync();

var pending = new Queue<(long Seq, Task<WriteResult> Write)>();
var next = highest + 1;
var last = highest + count;
while (next <= last || pending.Count > 0)
{
    while (next <= last && pending.Count < InFlight)
    {
        var e = new PersistentRepr(persistenceId, next, Encoding.UTF8.GetBytes($"event {next}"), 1, "crash.Event", "crash-host", ["crash"], DateTimeOffset.UtcNow);
        pending.Enqueue((next, store.Journal.WriteAsync(new AtomicWrite(e))));
        next++;
    }
    var (seq, write) = pending.Dequeue();
    var result = await write;
    if (!result.IsSuccess)
    {
        await Console.Error.WriteLineAsync($"rejected {seq}: {result.Message}");
        return 2;
    }
    await stdout.WriteLineAsync($"ack {seq}");
    await stdout.FlushAsync();
}
await stdout.WriteLineAsync("done");
return 0;
