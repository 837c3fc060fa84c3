using Pipeline.Persistence.Actors;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Journal;
using Pipeline.Runtime.Actors;
using Pipeline.TestKit;

namespace Pipeline.Persistence.Tests.Actors;

/// <summary>
/// The behaviour of persistent actors, run against every provider through the derived classes.
/// </summary>
public abstract class PersistentActorSpec : ActorTestKit
{
    private PersistenceStore? _store;

    protected PersistentActorSpec() : base() { }

    protected abstract PersistenceSettings NewSettings();

    protected virtual Task CleanupAsync() => Task.CompletedTask;

    internal TestJournal Journal { get; private set; } = null!;

    protected PersistenceStore Store => _store!;

    protected virtual PersistentActorSettings ActorSettings => new() { MaxConcurrentRecoveries = 2, MinRecoveryBackoff = TimeSpan.FromMilliseconds(50), MaxRecoveryBackoff = TimeSpan.FromMilliseconds(500) };

    public override async Task InitializeAsync()
    {
        _store = PersistenceFactory.Create(NewSettings());
        await _store.StartAsync();
        Journal = new TestJournal(_store.Journal);
        PersistenceExtension.Install(Sys, Journal, _store.SnapshotStore, ActorSettings);
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (_store is not null) await _store.DisposeAsync();
            await CleanupAsync();
        }
    }

    private async Task<(IActorRef Actor, TestProbe Probe)> StartCounter(string pid, TestProbe? probe = null)
    {
        probe ??= CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Counter(pid, probe.Ref)));
        await probe.ExpectMsgAsync("recovered", TimeSpan.FromSeconds(20));
        return (actor, probe);
    }

    private async Task StopAndWait(IActorRef actor)
    {
        var watcher = CreateTestProbe();
        watcher.Watch(actor);
        Sys.Stop(actor);
        await watcher.ExpectTerminatedAsync(actor);
    }

    private async Task<State> Ask(IActorRef actor, object command)
    {
        TestActor.Send(actor, command);
        return await TestActor.ExpectMsgAsync<State>(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Recovered_state_equals_the_persisted_events()
    {
        var (a, _) = await StartCounter("c-1");
        for (var i = 1; i <= 20; i++) await Ask(a, new Add(i));
        await StopAndWait(a);

        var (b, _) = await StartCounter("c-1");
        var s = await Ask(b, new GetState());
        Assert.Equal(210, s.Total);
        Assert.Equal(20, s.RecoveredEvents);
        Assert.Equal(20, s.LastSequenceNr);
    }

    [Fact]
    public async Task Commands_sent_during_recovery_are_handled_after_it_in_order()
    {
        var (a, _) = await StartCounter("c-2");
        for (var i = 0; i < 50; i++) await Ask(a, new Add(1));
        await StopAndWait(a);

        var probe = CreateTestProbe();
        var b = Sys.ActorOf(Props.Create(() => new Counter("c-2", probe.Ref)));
        for (var i = 1; i <= 5; i++) TestActor.Send(b, new Add(100));
        await probe.ExpectMsgAsync("recovered", TimeSpan.FromSeconds(20));
        for (var i = 1; i <= 5; i++)
        {
            var s = await TestActor.ExpectMsgAsync<State>(TimeSpan.FromSeconds(20));
            Assert.Equal(50 + i * 100, s.Total);
            Assert.Equal(50 + i, s.LastSequenceNr);
        }
    }

    [Fact]
    public async Task Persist_holds_back_commands_until_its_handler_ran()
    {
        var (a, _) = await StartCounter("c-3");
        TestActor.Send(a, new Add(5));
        TestActor.Send(a, new GetState());
        var afterAdd = await TestActor.ExpectMsgAsync<State>();
        var get = await TestActor.ExpectMsgAsync<State>();
        Assert.Equal(5, afterAdd.Total);
        Assert.Equal(5, get.Total);
    }

    [Fact]
    public async Task PersistAsync_handlers_run_in_order_and_PersistAll_is_one_ordered_write()
    {
        var (a, _) = await StartCounter("c-4");
        for (var i = 1; i <= 10; i++) a.Tell(new AddAsync(i));
        TestActor.Send(a, new AddMany([100, 200, 300]));
        TestActor.Send(a, new DeferMark("after-many"));
        await AwaitHelpers.AwaitAssertAsync(async () =>
        {
            var s = await Ask(a, new GetState());
            Assert.Equal(655, s.Total);
            Assert.Equal(13, s.LastSequenceNr);
            Assert.Equal(Enumerable.Range(1, 10).Select(i => $"async {i}").Concat(["many 100@11", "many 200@12", "many 300@13", "defer after-many"]), s.Log);
        }, TimeSpan.FromSeconds(20));
        await StopAndWait(a);
        var (b, _) = await StartCounter("c-4");
        Assert.Equal(655, (await Ask(b, new GetState())).Total);
    }

    [Fact]
    public async Task Recovery_starts_from_the_latest_snapshot()
    {
        var (a, probe) = await StartCounter("c-5");
        for (var i = 0; i < 10; i++) await Ask(a, new Add(1));
        a.Tell(new TakeSnapshot());
        await probe.ExpectMsgAsync("snapshot@10", TimeSpan.FromSeconds(20));
        for (var i = 0; i < 3; i++) await Ask(a, new Add(10));
        await StopAndWait(a);

        var (b, _) = await StartCounter("c-5");
        var s = await Ask(b, new GetState());
        Assert.True(s.FromSnapshot);
        Assert.Equal(3, s.RecoveredEvents);
        Assert.Equal(40, s.Total);
        Assert.Equal(13, s.LastSequenceNr);
    }

    [Fact]
    public async Task Deleted_events_are_not_replayed_and_their_numbers_are_not_reused()
    {
        var (a, probe) = await StartCounter("c-6");
        for (var i = 0; i < 5; i++) await Ask(a, new Add(1));
        a.Tell(new DeleteUpTo(3));
        await probe.ExpectMsgAsync("deleted to 3", TimeSpan.FromSeconds(20));
        await StopAndWait(a);

        var (b, _) = await StartCounter("c-6");
        var s = await Ask(b, new GetState());
        Assert.Equal(2, s.RecoveredEvents);
        Assert.Equal(5, s.LastSequenceNr);
        Assert.Equal(6, (await Ask(b, new Add(1))).LastSequenceNr);
    }

    [Fact]
    public async Task An_unreadable_event_fails_recovery_naming_id_sequence_and_manifest()
    {
        await Store.Journal.WriteAsync(new AtomicWrite(new PersistentRepr("c-7", 1, "{}"u8.ToArray(), 3, "No.Such.Event, Nowhere", "test", [], DateTimeOffset.UtcNow)));
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Counter("c-7", probe.Ref)));
        TestActor.Watch(actor);
        var failure = await probe.ExpectMsgAsync<string>(TimeSpan.FromSeconds(20));
        Assert.Contains("'c-7'", failure);
        Assert.Contains("sequence nr 1", failure);
        Assert.Contains("No.Such.Event, Nowhere", failure);
        await TestActor.ExpectTerminatedAsync(actor);
    }

    [Fact]
    public async Task A_rejected_write_calls_OnPersistRejected_and_the_actor_lives_on()
    {
        var (a, probe) = await StartCounter("c-8");
        await Ask(a, new Add(1));
        // Another writer takes sequence nr 2 behind the actor's back: its next write is a duplicate.
        await Store.Journal.WriteAsync(new AtomicWrite(new PersistentRepr("c-8", 2, "{\"Amount\":1000}"u8.ToArray(), 3, typeof(Added).FullName + ", Pipeline.Persistence.Tests", "other", [], DateTimeOffset.UtcNow)));
        a.Tell(new Add(2));
        await probe.ExpectMsgAsync("rejected 2", TimeSpan.FromSeconds(20));
        var s = await Ask(a, new Add(3));
        Assert.Equal(4, s.Total);
        Assert.Equal(3, s.LastSequenceNr);
    }

    [Fact]
    public async Task A_failed_write_stops_the_actor()
    {
        AllowActorFailures<Exception>();
        var (a, _) = await StartCounter("c-9");
        TestActor.Watch(a);
        Journal.FailWrites = true;
        a.Tell(new Add(1));
        await TestActor.ExpectTerminatedAsync(a, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Under_a_backoff_supervisor_the_actor_comes_back_after_journal_failures()
    {
        var probe = CreateTestProbe();
        var supervisor = Sys.ActorOf(Runtime.Patterns.BackoffSupervisor.Props(Props.Create(() => new Counter("c-10", probe.Ref)), "counter", TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200)));
        await probe.ExpectMsgAsync("recovered", TimeSpan.FromSeconds(20));
        await Ask(supervisor, new Add(1));
        Journal.FailWrites = true;
        supervisor.Tell(new Add(2)); // fails: the counter stops and comes back
        await probe.ExpectMsgAsync("recovered", TimeSpan.FromSeconds(20));
        Journal.FailWrites = false;
        var s = await Ask(supervisor, new Add(3));
        Assert.Equal(4, s.Total);
        Assert.Equal(2, s.LastSequenceNr);
    }

    [Fact]
    public async Task Concurrent_recoveries_are_capped()
    {
        var probe = CreateTestProbe();
        Journal.ReplayGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < 6; i++)
        {
            await Store.Journal.WriteAsync(new AtomicWrite(new PersistentRepr($"cap-{i}", 1, "{\"Amount\":1}"u8.ToArray(), 3, typeof(Added).FullName + ", Pipeline.Persistence.Tests", "w", [], DateTimeOffset.UtcNow)));
            var pid = $"cap-{i}";
            Sys.ActorOf(Props.Create(() => new Counter(pid, probe.Ref)));
        }
        await AwaitHelpers.AwaitConditionAsync(() => Journal.MaxReplaysInFlight == 2, TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        Assert.Equal(2, Journal.MaxReplaysInFlight);
        Journal.ReplayGate.SetResult();
        for (var i = 0; i < 6; i++) await probe.ExpectMsgAsync("recovered", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Tagged_events_are_found_by_tag()
    {
        var (a, _) = await StartCounter("c-11");
        a.Tell(new AddTagged(1, "blue"));
        a.Tell(new AddTagged(2, "red"));
        a.Tell(new AddTagged(3, "blue"));
        var s = await Ask(a, new GetState());
        Assert.Equal(6, s.Total);
        var blue = new List<long>();
        await foreach (var e in Store.ReadJournal.CurrentEventsByTag("blue", 0)) blue.Add(e.SequenceNr);
        Assert.Equal([1L, 3L], blue);
    }
}
