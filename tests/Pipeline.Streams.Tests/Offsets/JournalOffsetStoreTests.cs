using Pipeline.Persistence;
using Pipeline.Persistence.Configuration;
using Pipeline.Streams.Offsets;

namespace Pipeline.Streams.Tests.Offsets;

public sealed class JournalOffsetStoreTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-offsets-").FullName;
    private PersistenceStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = PersistenceFactory.Create(new PersistenceSettings { Provider = PersistenceProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_directory, "o.db")}" });
        await _store.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }

    [Fact]
    public async Task Committed_offsets_survive_a_new_store_and_never_go_back()
    {
        var offsets = new JournalOffsetStore(_store.Journal);
        Assert.Null(await offsets.LoadAsync("orders"));
        await offsets.CommitAsync("orders", 1_000);
        await offsets.CommitAsync("orders", 2_000);
        await offsets.CommitAsync("orders", 1_500); // lower: ignored
        await offsets.CommitAsync("clicks", 7);

        var reopened = new JournalOffsetStore(_store.Journal);
        Assert.Equal(2_000, await reopened.LoadAsync("orders"));
        Assert.Equal(7, await reopened.LoadAsync("clicks"));
        await reopened.CommitAsync("orders", 2_001);
        Assert.Equal(2_001, await new JournalOffsetStore(_store.Journal).LoadAsync("orders"));
    }

    [Fact]
    public async Task Old_offset_events_are_deleted_as_it_goes()
    {
        var offsets = new JournalOffsetStore(_store.Journal, deleteEvery: 10);
        for (var i = 1; i <= 25; i++) await offsets.CommitAsync("s", i);
        var kept = new List<long>();
        await foreach (var e in _store.Journal.ReplayAsync(JournalOffsetStore.PersistenceIdOf("s"), 1, long.MaxValue, long.MaxValue)) kept.Add(e.SequenceNr);
        Assert.Equal(Enumerable.Range(20, 6).Select(i => (long)i), kept);
        Assert.Equal(25, await new JournalOffsetStore(_store.Journal).LoadAsync("s"));
    }
}
