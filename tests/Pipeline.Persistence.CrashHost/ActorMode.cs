using Pipeline.Persistence.Actors;
using Pipeline.Persistence.Configuration;
using Pipeline.Runtime.Actors;

namespace Pipeline.Persistence.CrashHost;

/// <summary>
/// The crash host through the actor API: a persistent actor recovers (printing "state N S": the number of
/// recovered events and the highest one), then persists the numbers N+1.. with PersistAsync and prints
/// "ack S" from each persist handler, that is once the journal has acknowledged S.
/// </summary>
internal static class ActorMode
{
    public sealed record Next(long Value);

    private sealed class NumberedStream(string pid, long count, TaskCompletionSource done) : ReceivePersistentActor
    {
        private long _events;
        private long _highest;
        private long _acked;

        public override string PersistenceId => pid;

        protected override void PreStart()
        {
            Recover<Next>(n =>
            {
                if (n.Value != _highest + 1) throw new InvalidOperationException($"gap in the recovered stream: {_highest} then {n.Value}");
                _events++;
                _highest = n.Value;
            });
            Recover<RecoveryCompleted>(_ =>
            {
                Console.Out.WriteLine($"state {_events} {_highest}");
                Console.Out.Flush();
                if (count == 0) done.TrySetResult();
                for (var i = 1; i <= Math.Min(count, 64); i++) Self.Tell(new Next(_highest + i), Self);
            });
            Command<Next>(n => PersistAsync(n, e =>
            {
                Console.Out.WriteLine($"ack {e.Value}");
                Console.Out.Flush();
                if (++_acked == count) done.TrySetResult();
                else if (e.Value + 64 <= _highest + count) Self.Tell(new Next(e.Value + 64), Self);
            }));
        }

        protected override void PreRestart(Exception reason, object? message) => done.TrySetException(reason);
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = new PersistenceSettings
        {
            Provider = Enum.Parse<PersistenceProvider>(args[0], ignoreCase: true),
            ConnectionString = args[1],
            Schema = args.Length > 4 ? args[4] : null,
        };
        var pid = args[2];
        var count = long.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
        await using var store = PersistenceFactory.Create(settings);
        await store.StartAsync();
        var system = ActorSystem.Create("crash-host");
        PersistenceExtension.Install(system, store);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(Props.Create(() => new NumberedStream(pid, count, done)), "stream");
        await done.Task;
        Console.Out.WriteLine("done");
        Console.Out.Flush();
        await system.Terminate();
        return 0;
    }
}
