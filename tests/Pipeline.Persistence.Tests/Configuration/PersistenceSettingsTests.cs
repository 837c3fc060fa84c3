using Microsoft.Extensions.Configuration;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Tests.Support;

namespace Pipeline.Persistence.Tests.Configuration;

public sealed class PersistenceSettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Pipeline:Persistence:" + v.Key, v.Value)))
            .Build();

    private static PersistenceConfigurationException Fails(params (string Key, string Value)[] values) =>
        Assert.Throws<PersistenceConfigurationException>(() => PersistenceSettingsReader.Read(Config(values)));

    [Fact]
    public void Every_key_is_read()
    {
        var settings = PersistenceSettingsReader.Read(Config(
            ("Provider", "postgresql"),
            ("ConnectionString", "Host=db;Username=u;Database=d"),
            ("Schema", "pipe"),
            ("JournalTable", "j"),
            ("TagTable", "t"),
            ("SnapshotTable", "s"),
            ("SchemaVersionTable", "v"),
            ("MaxBatchSize", "123"),
            ("WriteQueueCapacity", "456"),
            ("QueryBatchSize", "789"),
            ("QueryPollingInterval", "00:00:02.5"),
            ("UseListenNotify", "false"),
            ("CircuitBreaker:MaxFailures", "9"),
            ("CircuitBreaker:CallTimeout", "00:00:03"),
            ("CircuitBreaker:ResetTimeout", "00:00:04"),
            ("CircuitBreaker:MaxResetTimeout", "00:01:00")));

        Assert.Equal(PersistenceProvider.PostgreSql, settings.Provider);
        Assert.Equal("Host=db;Username=u;Database=d", settings.ConnectionString);
        Assert.Equal(("pipe", "j", "t", "s", "v"), (settings.Schema, settings.JournalTable, settings.TagTable, settings.SnapshotTable, settings.SchemaVersionTable));
        Assert.Equal((123, 456, 789), (settings.MaxBatchSize, settings.WriteQueueCapacity, settings.QueryBatchSize));
        Assert.Equal(TimeSpan.FromSeconds(2.5), settings.QueryPollingInterval);
        Assert.False(settings.UseListenNotify);
        Assert.Equal(9, settings.CircuitBreaker.MaxFailures);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.CircuitBreaker.CallTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), settings.CircuitBreaker.ResetTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.CircuitBreaker.MaxResetTimeout);
    }

    [Fact]
    public void Sqlite_is_the_default_provider_and_defaults_are_valid()
    {
        var settings = PersistenceSettingsReader.Read(Config(("ConnectionString", "Data Source=x.db")));
        Assert.Equal(PersistenceProvider.Sqlite, settings.Provider);
        Assert.Equal("journal", settings.JournalTable);
    }

    [Fact]
    public void A_missing_connection_string_names_the_key_and_the_fix()
    {
        var error = Fails(("Provider", "Sqlite"));
        Assert.Equal("Pipeline:Persistence:ConnectionString", error.Key);
        Assert.StartsWith("Pipeline:Persistence:ConnectionString is missing: set it to", error.Message);
        Assert.Contains("Data Source=", error.Message);
    }

    [Fact]
    public void An_unknown_provider_names_the_choices()
    {
        var error = Fails(("Provider", "Oracle"), ("ConnectionString", "Data Source=x.db"));
        Assert.Equal("Pipeline:Persistence:Provider", error.Key);
        Assert.Contains("Sqlite or PostgreSql", error.Message);
    }

    [Theory]
    [InlineData("Sqlite", "Foo=bar")]
    [InlineData("PostgreSql", "Database=x")]
    [InlineData("PostgreSql", "Host=h;NoSuchKeyword=1")]
    public void A_connection_string_that_cannot_work_is_refused_at_start(string provider, string connectionString)
    {
        var error = Fails(("Provider", provider), ("ConnectionString", connectionString));
        Assert.Equal("Pipeline:Persistence:ConnectionString", error.Key);
        Assert.Contains("Pipeline:Persistence:ConnectionString", error.Message);
    }

    [Theory]
    [InlineData("MaxBatchSize", "lots", "not an integer")]
    [InlineData("MaxBatchSize", "0", "positive integer")]
    [InlineData("QueryBatchSize", "-5", "positive integer")]
    [InlineData("QueryPollingInterval", "soon", "not a duration")]
    [InlineData("QueryPollingInterval", "00:00:00", "positive duration")]
    [InlineData("UseListenNotify", "maybe", "true or false")]
    [InlineData("JournalTable", "journal; DROP TABLE x", "plain SQL identifier")]
    [InlineData("Schema", "1abc", "plain SQL identifier")]
    [InlineData("CircuitBreaker:MaxFailures", "0", "positive integer")]
    [InlineData("CircuitBreaker:MaxResetTimeout", "00:00:00.1", "at least ResetTimeout")]
    public void A_wrong_value_names_its_key_and_what_to_do(string key, string value, string hint)
    {
        var error = Fails(("ConnectionString", "Data Source=x.db"), (key, value));
        Assert.Equal("Pipeline:Persistence:" + key, error.Key);
        Assert.Contains("Pipeline:Persistence:" + key, error.Message);
        Assert.Contains(hint, error.Message);
    }

    [Fact]
    public void Table_names_must_differ()
    {
        var error = Fails(("ConnectionString", "Data Source=x.db"), ("TagTable", "journal"));
        Assert.Contains("four different names", error.Message);
    }

    [Fact]
    public async Task The_factory_builds_a_working_store_from_configuration()
    {
        var directory = Directory.CreateTempSubdirectory("pipeline-settings-");
        try
        {
            var configuration = Config(("Provider", "Sqlite"), ("ConnectionString", $"Data Source={directory.FullName}/j.db"), ("JournalTable", "events"));
            await using var store = PersistenceFactory.Create(configuration);
            await store.StartAsync();

            Assert.True((await store.Journal.WriteAsync(Events.Single("cfg", 1))).IsSuccess);
            Assert.Equal(1, await store.Journal.ReadHighestSequenceNrAsync("cfg"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Settings_built_in_code_are_validated_by_the_factory()
    {
        var error = Assert.Throws<PersistenceConfigurationException>(() => PersistenceFactory.Create(new PersistenceSettings { ConnectionString = "" }));
        Assert.Equal("Pipeline:Persistence:ConnectionString", error.Key);
    }
}
