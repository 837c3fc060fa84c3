using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Journal;
using Pipeline.Persistence.Query;
using Pipeline.Persistence.Snapshots;
using Pipeline.Persistence.Sql;
using Pipeline.Persistence.Tests.Support;

namespace Pipeline.Persistence.Tests.Shared;

/// <summary>
/// The behaviour every provider must have. Each derived class runs this whole suite against one database,
/// on fresh, isolated tables per test.
/// </summary>
public abstract class PersistenceStoreSpec : IAsyncLifetime
{
    private static readonly TimeSpan LiveDeadline = TimeSpan.FromSeconds(15);
    private readonly List<PersistenceStore> _stores = new();

    protected PersistenceStore Store { get; private set; } = null!;

    protected IJournal Journal => Store.Journal;

    protected IReadJournal Queries => Store.ReadJournal;

    protected ISnapshotStore Snapshots => Store.SnapshotStore;

    /// <summary>Settings pointing at fresh tables for this test.</summary>
    protected PersistenceSettings Settings { get; private set; } = null!;

    protected abstract PersistenceSettings NewSettings();

    /// <summary>Runs raw SQL on the test database (to simulate a newer schema).</summary>
    protected abstract Task ExecuteSqlAsync(string sql);

    /// <summary>The table name as SQL must spell it for these settings.</summary>
    protected abstract string Qualified(string table);

    public async Task InitializeAsync()
    {
        Settings = NewSettings();
        Settings.QueryBatchSize = 7; // small pages, so paging is exercised
        Settings.QueryPollingInterval = TimeSpan.FromMilliseconds(200);
        Store = await OpenStoreAsync();
    }

    protected async Task<PersistenceStore> OpenStoreAsync()
    {
        var store = PersistenceFactory.Create(Settings);
        _stores.Add(store);
        await store.StartAsync();
        return store;
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
            await store.DisposeAsync();
        await CleanupAsync();
    }

    /// <summary>Removes this test's tables.</summary>
    protected virtual Task CleanupAsync() => Task.CompletedTask;

    [Fact]
    public async Task Written_events_replay_in_order_with_every_field()
    {
        var write = new AtomicWrite(new PersistentRepr("p-1", 1, new byte[] { 1, 2, 3 }, 42, "my.Manifest", "w-9", ["a", "b"], new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234567)));
        Assert.True((await Journal.WriteAsync(write)).IsSuccess);
        Assert.True((await Journal.WriteAsync(Events.Group("p-1", 2, 3))).IsSuccess);

        var replayed = await Journal.ReplayAllAsync("p-1").ToListAsync();

        Assert.Equal([1L, 2, 3, 4], replayed.Select(e => e.SequenceNr));
        var first = replayed[0];
        Assert.Equal("p-1", first.PersistenceId);
        Assert.Equal(new byte[] { 1, 2, 3 }, first.Payload.ToArray());
        Assert.Equal(42, first.SerializerId);
        Assert.Equal("my.Manifest", first.Manifest);
        Assert.Equal("w-9", first.WriterId);
        Assert.Equal(write.Events[0].Timestamp, first.Timestamp);
        Assert.Equal("p-1#3", Events.Text(replayed[2].Payload));
    }

    [Fact]
    public async Task Replay_honours_from_to_and_max()
    {
        await Journal.WriteAsync(Events.Group("p-r", 1, 10));

        Assert.Equal([3L, 4, 5, 6], (await Journal.ReplayAsync("p-r", 3, 6, 100).ToListAsync()).Select(e => e.SequenceNr));
        Assert.Equal([3L, 4], (await Journal.ReplayAsync("p-r", 3, 6, 2).ToListAsync()).Select(e => e.SequenceNr));
        Assert.Empty(await Journal.ReplayAsync("p-r", 11, 20, 100).ToListAsync());
        Assert.Empty(await Journal.ReplayAsync("other", 1, 20, 100).ToListAsync());
    }

    [Fact]
    public async Task A_payload_slice_is_stored_exactly()
    {
        var buffer = new byte[] { 9, 9, 1, 2, 3, 9 };
        var e = new PersistentRepr("p-slice", 1, buffer.AsMemory(2, 3), 1, "", "w", [], DateTimeOffset.UtcNow);
        await Journal.WriteAsync(new AtomicWrite(e));

        var replayed = Assert.Single(await Journal.ReplayAllAsync("p-slice").ToListAsync());
        Assert.Equal(new byte[] { 1, 2, 3 }, replayed.Payload.ToArray());
    }

    [Fact]
    public async Task Highest_sequence_nr_is_zero_for_unknown_ids_and_the_maximum_otherwise()
    {
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync("nobody"));
        await Journal.WriteAsync(Events.Group("p-h", 1, 5));
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync("p-h"));
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync("p-h", 3));
    }

    [Fact]
    public async Task A_duplicate_sequence_nr_is_rejected_with_a_typed_reason_and_never_doubled()
    {
        Assert.True((await Journal.WriteAsync(Events.Single("p-d", 1))).IsSuccess);

        var again = await Journal.WriteAsync(Events.Single("p-d", 1));

        Assert.False(again.IsSuccess);
        Assert.Equal(WriteRejectionKind.DuplicateSequenceNr, again.Rejection);
        Assert.Contains("p-d", again.Message);
        Assert.Single(await Journal.ReplayAllAsync("p-d").ToListAsync());
    }

    [Fact]
    public async Task One_rejected_write_does_not_fail_the_others_of_the_same_call()
    {
        await Journal.WriteAsync(Events.Single("p-x", 1));

        var results = await Journal.WriteAsync([Events.Single("p-y", 1), Events.Single("p-x", 1), Events.Single("p-z", 1), Events.Single("p-x", 2)]);

        Assert.Equal([true, false, true, true], results.Select(r => r.IsSuccess));
        Assert.Equal(WriteRejectionKind.DuplicateSequenceNr, results[1].Rejection);
        Assert.Equal([1L, 2], (await Journal.ReplayAllAsync("p-x").ToListAsync()).Select(e => e.SequenceNr));
        Assert.Single(await Journal.ReplayAllAsync("p-y").ToListAsync());
        Assert.Single(await Journal.ReplayAllAsync("p-z").ToListAsync());
    }

    [Fact]
    public async Task An_atomic_write_containing_a_duplicate_stores_none_of_its_events()
    {
        await Journal.WriteAsync(Events.Single("p-a", 3, "t"));

        var results = await Journal.WriteAsync([Events.Group("p-a", 1, 4, "t"), Events.Group("p-b", 1, 3, "t")]);

        Assert.False(results[0].IsSuccess);
        Assert.True(results[1].IsSuccess);
        Assert.Equal([3L], (await Journal.ReplayAllAsync("p-a").ToListAsync()).Select(e => e.SequenceNr));
        Assert.Equal(3, (await Journal.ReplayAllAsync("p-b").ToListAsync()).Count);
        var tagged = await Queries.CurrentEventsByTag("t", 0).ToListAsync();
        Assert.Equal(["p-a#3", "p-b#1", "p-b#2", "p-b#3"], tagged.Select(e => $"{e.PersistenceId}#{e.SequenceNr}"));
    }

    [Fact]
    public async Task Two_writers_racing_for_the_same_sequence_nr_store_exactly_one()
    {
        var tasks = Enumerable.Range(0, 20).Select(_ => Journal.WriteAsync(Events.Single("p-race", 1))).ToArray();
        var results = await Task.WhenAll(tasks);

        Assert.Single(results, r => r.IsSuccess);
        Assert.Equal(19, results.Count(r => r.Rejection == WriteRejectionKind.DuplicateSequenceNr));
        Assert.Single(await Journal.ReplayAllAsync("p-race").ToListAsync());
    }

    [Fact]
    public async Task Many_concurrent_writers_each_get_their_own_acknowledgement_and_nothing_is_lost()
    {
        const int writers = 40, perWriter = 30;
        var tasks = Enumerable.Range(0, writers).Select(async w =>
        {
            var inFlight = new List<Task<WriteResult>>();
            for (var s = 1; s <= perWriter; s++)
                inFlight.Add(Journal.WriteAsync(Events.Single($"w-{w}", s, "all")));
            return await Task.WhenAll(inFlight);
        });

        var results = (await Task.WhenAll(tasks)).SelectMany(r => r).ToList();

        Assert.All(results, r => Assert.True(r.IsSuccess));
        for (var w = 0; w < writers; w++)
            Assert.Equal(Enumerable.Range(1, perWriter).Select(i => (long)i), (await Journal.ReplayAllAsync($"w-{w}").ToListAsync()).Select(e => e.SequenceNr));
        var all = await Queries.CurrentEventsByTag("all", 0).ToListAsync();
        Assert.Equal(writers * perWriter, all.Count);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Offset < p.Second.Offset), "tag query offsets must strictly increase");
        foreach (var group in all.GroupBy(e => e.PersistenceId))
            Assert.Equal(Enumerable.Range(1, perWriter).Select(i => (long)i), group.Select(e => e.SequenceNr));
    }

    [Fact]
    public async Task Deleting_messages_hides_them_but_keeps_the_highest_sequence_nr()
    {
        await Journal.WriteAsync(Events.Group("p-del", 1, 5, "d"));

        await Journal.DeleteMessagesToAsync("p-del", 5);

        Assert.Empty(await Journal.ReplayAllAsync("p-del").ToListAsync());
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync("p-del"));
        Assert.Empty(await Queries.CurrentEventsByTag("d", 0).ToListAsync());
        Assert.Empty(await Queries.CurrentEventsByPersistenceId("p-del", 1, long.MaxValue).ToListAsync());
        Assert.False((await Journal.WriteAsync(Events.Single("p-del", 5))).IsSuccess);
        Assert.True((await Journal.WriteAsync(Events.Single("p-del", 6))).IsSuccess);
    }

    [Fact]
    public async Task Deleting_up_to_a_sequence_nr_keeps_later_events_visible_across_pages()
    {
        await Journal.WriteAsync(Events.Group("p-part", 1, 20, "pt"));

        await Journal.DeleteMessagesToAsync("p-part", 15);

        Assert.Equal([16L, 17, 18, 19, 20], (await Journal.ReplayAllAsync("p-part").ToListAsync()).Select(e => e.SequenceNr));
        Assert.Equal([16L, 17, 18, 19, 20], (await Queries.CurrentEventsByTag("pt", 0).ToListAsync()).Select(e => e.SequenceNr));
        Assert.Equal([16L, 17, 18, 19, 20], (await Queries.CurrentEventsByPersistenceId("p-part", 1, long.MaxValue).ToListAsync()).Select(e => e.SequenceNr));
    }

    [Fact]
    public async Task Snapshots_load_the_latest_matching_the_criteria()
    {
        var t0 = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var seq in new long[] { 10, 20, 30 })
            await Snapshots.SaveAsync(new SnapshotRecord(new SnapshotMetadata("s-1", seq, t0.AddMinutes(seq)), 5, "State", new byte[] { (byte)seq }));
        await Snapshots.SaveAsync(new SnapshotRecord(new SnapshotMetadata("s-2", 99, t0), 5, "State", new byte[] { 99 }));

        var latest = await Snapshots.LoadLatestAsync("s-1", SnapshotSelectionCriteria.Latest);
        Assert.NotNull(latest);
        Assert.Equal(30, latest.Metadata.SequenceNr);
        Assert.Equal(t0.AddMinutes(30), latest.Metadata.Timestamp);
        Assert.Equal(5, latest.SerializerId);
        Assert.Equal("State", latest.Manifest);
        Assert.Equal(new byte[] { 30 }, latest.Payload.ToArray());

        Assert.Equal(20, (await Snapshots.LoadLatestAsync("s-1", new SnapshotSelectionCriteria(25)))!.Metadata.SequenceNr);
        Assert.Equal(10, (await Snapshots.LoadLatestAsync("s-1", new SnapshotSelectionCriteria(long.MaxValue, t0.AddMinutes(15), 0, DateTimeOffset.MinValue)))!.Metadata.SequenceNr);
        Assert.Null(await Snapshots.LoadLatestAsync("s-1", new SnapshotSelectionCriteria(5)));
        Assert.Null(await Snapshots.LoadLatestAsync("s-1", SnapshotSelectionCriteria.None));
        Assert.Null(await Snapshots.LoadLatestAsync("unknown", SnapshotSelectionCriteria.Latest));
    }

    [Fact]
    public async Task Saving_a_snapshot_again_for_the_same_sequence_nr_replaces_it()
    {
        var meta = new SnapshotMetadata("s-r", 7, DateTimeOffset.UnixEpoch);
        await Snapshots.SaveAsync(new SnapshotRecord(meta, 1, "A", new byte[] { 1 }));
        await Snapshots.SaveAsync(new SnapshotRecord(meta with { Timestamp = DateTimeOffset.UnixEpoch.AddDays(1) }, 2, "B", new byte[] { 2 }));

        var loaded = await Snapshots.LoadLatestAsync("s-r", SnapshotSelectionCriteria.Latest);
        Assert.Equal(("B", 2, (byte)2), (loaded!.Manifest, loaded.SerializerId, loaded.Payload.Span[0]));
    }

    [Fact]
    public async Task Snapshots_are_deleted_by_metadata_and_by_criteria()
    {
        var t0 = DateTimeOffset.UnixEpoch;
        foreach (var seq in new long[] { 1, 2, 3, 4 })
            await Snapshots.SaveAsync(new SnapshotRecord(new SnapshotMetadata("s-d", seq, t0.AddSeconds(seq)), 1, "", new byte[] { 1 }));

        await Snapshots.DeleteAsync(new SnapshotMetadata("s-d", 4, t0));
        Assert.Equal(3, (await Snapshots.LoadLatestAsync("s-d", SnapshotSelectionCriteria.Latest))!.Metadata.SequenceNr);

        await Snapshots.DeleteAsync("s-d", new SnapshotSelectionCriteria(2));
        Assert.Equal(3, (await Snapshots.LoadLatestAsync("s-d", SnapshotSelectionCriteria.Latest))!.Metadata.SequenceNr);
        Assert.Null(await Snapshots.LoadLatestAsync("s-d", new SnapshotSelectionCriteria(2)));

        await Snapshots.DeleteAsync("s-d", SnapshotSelectionCriteria.Latest);
        Assert.Null(await Snapshots.LoadLatestAsync("s-d", SnapshotSelectionCriteria.Latest));
    }

    [Fact]
    public async Task Current_events_by_persistence_id_returns_the_range_with_offsets_then_completes()
    {
        await Journal.WriteAsync(Events.Group("q-1", 1, 20));
        await Journal.WriteAsync(Events.Group("q-2", 1, 3));

        var events = await Queries.CurrentEventsByPersistenceId("q-1", 5, 16).ToListAsync();

        Assert.Equal(Enumerable.Range(5, 12).Select(i => (long)i), events.Select(e => e.SequenceNr));
        Assert.All(events, e => Assert.Equal("q-1", e.PersistenceId));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Offset < p.Second.Offset));
        Assert.Equal("q-1#5", Events.Text(events[0].Payload));
    }

    [Fact]
    public async Task Live_events_by_persistence_id_sees_events_written_after_it_started()
    {
        await Journal.WriteAsync(Events.Group("live-1", 1, 3));
        var live = Queries.EventsByPersistenceId("live-1", 2, 12).ToListAsync(new CancellationTokenSource(LiveDeadline).Token);

        await Task.Delay(300);
        for (var s = 4; s <= 12; s++)
            await Journal.WriteAsync(Events.Single("live-1", s));

        var events = await live; // completes by itself once toSequenceNr 12 is reached
        Assert.Equal(Enumerable.Range(2, 11).Select(i => (long)i), events.Select(e => e.SequenceNr));
    }

    [Fact]
    public async Task Current_events_by_tag_returns_only_tagged_events_in_global_order()
    {
        await Journal.WriteAsync([Events.Single("t-1", 1, "red"), Events.Single("t-2", 1, "blue"), Events.Single("t-1", 2, "red", "blue"), Events.Single("t-3", 1)]);
        await Journal.WriteAsync(Events.Single("t-2", 2, "red"));

        var red = await Queries.CurrentEventsByTag("red", 0).ToListAsync();
        var blue = await Queries.CurrentEventsByTag("blue", 0).ToListAsync();

        Assert.Equal(["t-1#1", "t-1#2", "t-2#2"], red.Select(e => $"{e.PersistenceId}#{e.SequenceNr}"));
        Assert.Equal(["t-2#1", "t-1#2"], blue.Select(e => $"{e.PersistenceId}#{e.SequenceNr}"));
        Assert.True(red.Zip(red.Skip(1)).All(p => p.First.Offset < p.Second.Offset));
        Assert.Empty(await Queries.CurrentEventsByTag("green", 0).ToListAsync());
    }

    [Fact]
    public async Task A_tag_query_resumes_right_after_the_last_offset_it_processed()
    {
        for (var s = 1; s <= 25; s++)
            await Journal.WriteAsync([Events.Single("r-1", s, "resume"), Events.Single("noise", s)]);

        var all = await Queries.CurrentEventsByTag("resume", 0).ToListAsync();
        var firstTen = all.Take(10).ToList();
        var rest = await Queries.CurrentEventsByTag("resume", firstTen[^1].Offset).ToListAsync();

        Assert.Equal(25, all.Count);
        Assert.Equal(all.Skip(10).Select(e => e.Offset), rest.Select(e => e.Offset));
        Assert.Equal(Enumerable.Range(11, 15).Select(i => (long)i), rest.Select(e => e.SequenceNr));
    }

    [Fact]
    public async Task Live_events_by_tag_sees_new_events_and_resumes_from_an_offset()
    {
        await Journal.WriteAsync(Events.Group("lt-1", 1, 5, "live"));
        var before = await Queries.CurrentEventsByTag("live", 0).ToListAsync();
        var live = Queries.EventsByTag("live", before[2].Offset).TakeAsync(12, LiveDeadline);

        await Task.Delay(300);
        for (var s = 6; s <= 15; s++)
            await Journal.WriteAsync([Events.Single("lt-1", s, "live"), Events.Single("lt-2", s, "other")]);

        var events = await live;
        Assert.Equal(Enumerable.Range(4, 12).Select(i => (long)i), events.Select(e => e.SequenceNr));
        Assert.All(events, e => Assert.Equal("lt-1", e.PersistenceId));
    }

    [Fact]
    public async Task Live_events_by_tag_misses_nothing_while_two_journal_instances_write_concurrently()
    {
        var second = await OpenStoreAsync();
        const int perWriter = 150;
        var live = Queries.EventsByTag("shared", 0).TakeAsync(2 * perWriter, TimeSpan.FromSeconds(40));

        async Task WriteAll(IJournal journal, string id)
        {
            var pending = new List<Task<WriteResult>>();
            for (var s = 1; s <= perWriter; s++)
            {
                pending.Add(journal.WriteAsync(Events.Single(id, s, "shared")));
                if (s % 10 == 0)
                    await Task.WhenAll(pending);
            }
            await Task.WhenAll(pending);
        }

        await Task.WhenAll(WriteAll(Store.Journal, "one"), WriteAll(second.Journal, "two"));
        var events = await live;

        Assert.Equal(2 * perWriter, events.Select(e => e.Offset).Distinct().Count());
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Offset < p.Second.Offset), "offsets must strictly increase");
        var stored = await Queries.CurrentEventsByTag("shared", 0).ToListAsync();
        Assert.Equal(stored.Select(e => e.Offset), events.Select(e => e.Offset));
    }

    [Fact]
    public async Task Persistence_ids_are_listed_once_each_and_the_live_query_sees_new_ones()
    {
        for (var i = 0; i < 10; i++)
            await Journal.WriteAsync(Events.Group($"id-{i:D2}", 1, 2));

        var current = await Queries.CurrentPersistenceIds().ToListAsync();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"id-{i:D2}"), current.Order(StringComparer.Ordinal));

        var live = Queries.PersistenceIds().TakeAsync(12, LiveDeadline);
        await Task.Delay(300);
        await Journal.WriteAsync(Events.Single("id-00", 3));
        await Journal.WriteAsync(Events.Single("new-a", 1));
        await Journal.WriteAsync(Events.Single("new-b", 1));

        var ids = await live;
        Assert.Equal(12, ids.Distinct().Count());
        Assert.Contains("new-a", ids);
        Assert.Contains("new-b", ids);
    }

    [Fact]
    public async Task A_database_with_a_newer_schema_version_is_refused_with_a_clear_error()
    {
        await ExecuteSqlAsync($"INSERT INTO {Qualified(Settings.SchemaVersionTable)} (version, applied_at) VALUES (99, 0)");

        var store = PersistenceFactory.Create(Settings);
        await using (store)
        {
            var error = await Assert.ThrowsAsync<SchemaVersionException>(() => store.StartAsync());
            Assert.Equal(99, error.FoundVersion);
            Assert.Contains("version 99", error.Message);
            Assert.Contains("Upgrade", error.Message);
        }
    }

    [Fact]
    public async Task Reopening_an_existing_database_keeps_its_events()
    {
        await Journal.WriteAsync(Events.Group("keep", 1, 3, "k"));
        await Store.DisposeAsync();
        _stores.Remove(Store);

        Store = await OpenStoreAsync();

        Assert.Equal(3, (await Journal.ReplayAllAsync("keep").ToListAsync()).Count);
        Assert.True((await Journal.WriteAsync(Events.Single("keep", 4, "k"))).IsSuccess);
        Assert.Equal(4, (await Queries.CurrentEventsByTag("k", 0).ToListAsync()).Count);
    }
}
