using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Journal;

namespace Pipeline.Persistence.Benchmarks;

/// <summary>One database under benchmark: fresh tables, the scenarios, and the raw reference writes.</summary>
internal sealed class BenchmarkTarget : IAsyncDisposable
{
    private const string Manifest = "bench.Event";
    private readonly string _name;
    private readonly BenchmarkOptions _options;
    private readonly Func<string, PersistenceSettings> _settings;
    private readonly Func<ValueTask> _cleanup;
    private readonly byte[] _payload = new byte[100];

    private BenchmarkTarget(string name, BenchmarkOptions options, Func<string, PersistenceSettings> settings, Func<ValueTask> cleanup)
    {
        _name = name;
        _options = options;
        _settings = settings;
        _cleanup = cleanup;
        new Random(42).NextBytes(_payload);
    }

    public static Task<BenchmarkTarget> CreateAsync(string target, BenchmarkOptions options)
    {
        if (target == "sqlite")
        {
            var dir = Directory.CreateTempSubdirectory("pipeline-bench-").FullName;
            return Task.FromResult(new BenchmarkTarget("SQLite", options,
                prefix => new PersistenceSettings
                {
                    Provider = PersistenceProvider.Sqlite,
                    ConnectionString = $"Data Source={Path.Combine(dir, $"{prefix}-{Guid.NewGuid():N}.db")}",
                },
                () =>
                {
                    SqliteConnection.ClearAllPools();
                    Directory.Delete(dir, recursive: true);
                    return ValueTask.CompletedTask;
                }));
        }
        var connectionString = options.PostgresConnectionString
            ?? throw new InvalidOperationException("PostgreSQL benchmark needs --pg CONN or PIPELINE_TEST_PG (source scripts/lib/postgres.sh && pg_start).");
        var schemas = new List<string>();
        return Task.FromResult(new BenchmarkTarget("PostgreSQL", options,
            prefix =>
            {
                var schema = $"bench_{prefix}_{Guid.NewGuid():N}"[..40];
                schemas.Add(schema);
                return new PersistenceSettings { Provider = PersistenceProvider.PostgreSql, ConnectionString = connectionString, Schema = schema };
            },
            async () =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                foreach (var schema in schemas)
                {
                    await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
                    await drop.ExecuteNonQueryAsync();
                }
            }));
    }

    public async Task RunAsync()
    {
        Console.WriteLine($"== {_name}");
        var raw = await RawWriteAsync();
        var journal = await PersistAsyncWritersAsync();
        Console.WriteLine($"{_name} write: journal {journal:N0} ev/s = {100.0 * journal / raw:F0}% of raw {raw:N0} ev/s");
        await ReplayAndTagQueryAsync();
    }

    private PersistentRepr Event(string id, long seq, string[] tags) =>
        new(id, seq, _payload, 1, Manifest, "bench-writer", tags, DateTimeOffset.UtcNow);

    /// <summary>100 writers, each keeping several PersistAsync-style writes in flight and awaiting its own results.</summary>
    private async Task<double> PersistAsyncWritersAsync()
    {
        await using var store = PersistenceFactory.Create(_settings("writers"));
        await store.StartAsync();
        var perWriter = _options.Events / _options.Writers;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var gcs = GC.CollectionCount(0);
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, _options.Writers).Select(w => Task.Run(async () =>
        {
            var id = $"writer-{w}";
            var window = new Queue<Task<WriteResult>>(_options.InFlight);
            for (var seq = 1; seq <= perWriter; seq++)
            {
                var write = new AtomicWrite(Event(id, seq, []));
                window.Enqueue(_options.NoBreaker ? store.UnprotectedJournal.WriteAsync(write) : store.Journal.WriteAsync(write));
                if (window.Count >= _options.InFlight)
                    Check(await window.Dequeue());
            }
            while (window.Count > 0)
                Check(await window.Dequeue());
        })));
        stopwatch.Stop();
        var total = perWriter * _options.Writers;
        var rate = total / stopwatch.Elapsed.TotalSeconds;
        var cpuPerEvent = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / total;
        Console.WriteLine($"  PersistAsync{(_options.NoBreaker ? " (no breaker)" : "")} {_options.Writers} writers x {_options.InFlight} in flight: {total:N0} events in {stopwatch.Elapsed.TotalSeconds:F2} s = {rate:N0} ev/s ({cpuPerEvent:F2} us CPU/event in this process, {(GC.GetTotalAllocatedBytes(precise: false) - allocated) / total} B allocated/event, {GC.CollectionCount(0) - gcs} gen0 GCs)");
        return rate;
    }

    private static void Check(WriteResult result)
    {
        if (!result.IsSuccess)
            throw new InvalidOperationException(result.Message);
    }

    /// <summary>
    /// The physical reference: the same rows written straight into identical fresh tables, batched, with no per-caller
    /// results. Every variant gets its own fresh tables; the fastest one is the reference.
    /// </summary>
    private async Task<double> RawWriteAsync()
    {
        var perWriter = _options.Events / _options.Writers;
        var rows = new List<PersistentRepr>(perWriter * _options.Writers);
        for (var seq = 1; seq <= perWriter; seq++)
        {
            for (var w = 0; w < _options.Writers; w++)
                rows.Add(Event($"writer-{w}", seq, []));
        }
        var variants = _name == "SQLite"
            ? new (string Name, Func<PersistenceSettings, List<PersistentRepr>, Task> Write)[]
            {
                ("ADO.NET prepared single-row INSERTs", RawSqliteAdoAsync),
                ("ADO.NET multi-row INSERT (50 rows per statement)", RawSqliteMultiRowAsync),
                ("SQLite C API prepared single-row INSERTs", RawSqliteNativeAsync),
            }
            : new (string Name, Func<PersistenceSettings, List<PersistentRepr>, Task> Write)[]
            {
                ("binary COPY", RawPostgresCopyAsync),
                ("multi-row INSERT from unnest(arrays)", RawPostgresUnnestAsync),
            };
        var best = 0.0;
        var bestName = "";
        foreach (var (name, write) in variants)
        {
            var settings = _settings("raw");
            settings.MaxBatchSize = _options.RawBatch ?? settings.MaxBatchSize;
            await using (var store = PersistenceFactory.Create(settings))
                await store.StartAsync();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            await write(settings, rows);
            var rate = rows.Count / stopwatch.Elapsed.TotalSeconds;
            var cpuPerRow = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / rows.Count;
            Console.WriteLine($"  raw {name}, {settings.MaxBatchSize} rows per transaction: {rows.Count:N0} rows in {stopwatch.Elapsed.TotalSeconds:F2} s = {rate:N0} rows/s ({cpuPerRow:F2} us CPU/row in this process)");
            if (rate > best)
                (best, bestName) = (rate, name);
        }
        Console.WriteLine($"  raw reference = {bestName}: {best:N0} rows/s");
        return best;
    }

    private static async Task<SqliteConnection> OpenSqliteAsync(PersistenceSettings settings)
    {
        var connection = new SqliteConnection(settings.ConnectionString);
        await connection.OpenAsync();
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=NORMAL;";
        await pragma.ExecuteNonQueryAsync();
        return connection;
    }

    private const string Columns = "(persistence_id, sequence_nr, timestamp, writer_id, serializer_id, manifest, payload)";

    private async Task RawSqliteAdoAsync(PersistenceSettings settings, List<PersistentRepr> rows)
    {
        await using var connection = await OpenSqliteAsync(settings);
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO \"journal\" {Columns} VALUES (@p, @s, @t, @w, @z, @m, @b)";
        var p = new[] { insert.Parameters.Add("@p", SqliteType.Text), insert.Parameters.Add("@s", SqliteType.Integer), insert.Parameters.Add("@t", SqliteType.Integer), insert.Parameters.Add("@w", SqliteType.Text), insert.Parameters.Add("@z", SqliteType.Integer), insert.Parameters.Add("@m", SqliteType.Text), insert.Parameters.Add("@b", SqliteType.Blob) };
        for (var start = 0; start < rows.Count; start += settings.MaxBatchSize)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            for (var i = start; i < Math.Min(rows.Count, start + settings.MaxBatchSize); i++)
            {
                var e = rows[i];
                p[0].Value = e.PersistenceId;
                p[1].Value = e.SequenceNr;
                p[2].Value = e.Timestamp.UtcTicks;
                p[3].Value = e.WriterId;
                p[4].Value = e.SerializerId;
                p[5].Value = e.Manifest;
                p[6].Value = _payload;
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    private async Task RawSqliteMultiRowAsync(PersistenceSettings settings, List<PersistentRepr> rows)
    {
        const int perStatement = 50;
        await using var connection = await OpenSqliteAsync(settings);
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO \"journal\" {Columns} VALUES " +
                             string.Join(", ", Enumerable.Range(0, perStatement).Select(r => $"(@p{r}, @s{r}, @t{r}, @w{r}, @z{r}, @m{r}, @b{r})"));
        var p = Enumerable.Range(0, perStatement).SelectMany(r => new[] { insert.Parameters.Add($"@p{r}", SqliteType.Text), insert.Parameters.Add($"@s{r}", SqliteType.Integer), insert.Parameters.Add($"@t{r}", SqliteType.Integer), insert.Parameters.Add($"@w{r}", SqliteType.Text), insert.Parameters.Add($"@z{r}", SqliteType.Integer), insert.Parameters.Add($"@m{r}", SqliteType.Text), insert.Parameters.Add($"@b{r}", SqliteType.Blob) }).ToArray();
        for (var start = 0; start < rows.Count; start += settings.MaxBatchSize)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            var end = Math.Min(rows.Count, start + settings.MaxBatchSize);
            for (var i = start; i + perStatement <= end; i += perStatement)
            {
                for (var r = 0; r < perStatement; r++)
                {
                    var e = rows[i + r];
                    p[r * 7].Value = e.PersistenceId;
                    p[r * 7 + 1].Value = e.SequenceNr;
                    p[r * 7 + 2].Value = e.Timestamp.UtcTicks;
                    p[r * 7 + 3].Value = e.WriterId;
                    p[r * 7 + 4].Value = e.SerializerId;
                    p[r * 7 + 5].Value = e.Manifest;
                    p[r * 7 + 6].Value = _payload;
                }
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    private async Task RawSqliteNativeAsync(PersistenceSettings settings, List<PersistentRepr> rows)
    {
        await using var connection = await OpenSqliteAsync(settings);
        var db = connection.Handle!;
        SQLitePCL.raw.sqlite3_prepare_v2(db, $"INSERT INTO \"journal\" {Columns} VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", out var statement);
        using (statement)
        {
            for (var start = 0; start < rows.Count; start += settings.MaxBatchSize)
            {
                using var transaction = connection.BeginTransaction();
                for (var i = start; i < Math.Min(rows.Count, start + settings.MaxBatchSize); i++)
                {
                    var e = rows[i];
                    SQLitePCL.raw.sqlite3_bind_text(statement, 1, e.PersistenceId);
                    SQLitePCL.raw.sqlite3_bind_int64(statement, 2, e.SequenceNr);
                    SQLitePCL.raw.sqlite3_bind_int64(statement, 3, e.Timestamp.UtcTicks);
                    SQLitePCL.raw.sqlite3_bind_text(statement, 4, e.WriterId);
                    SQLitePCL.raw.sqlite3_bind_int64(statement, 5, e.SerializerId);
                    SQLitePCL.raw.sqlite3_bind_text(statement, 6, e.Manifest);
                    SQLitePCL.raw.sqlite3_bind_blob(statement, 7, _payload.AsSpan());
                    if (SQLitePCL.raw.sqlite3_step(statement) != SQLitePCL.raw.SQLITE_DONE)
                        throw new InvalidOperationException(SQLitePCL.raw.sqlite3_errmsg(db).utf8_to_string());
                    SQLitePCL.raw.sqlite3_reset(statement);
                }
                transaction.Commit();
            }
        }
    }

    private async Task RawPostgresCopyAsync(PersistenceSettings settings, List<PersistentRepr> rows)
    {
        await using var dataSource = NpgsqlDataSource.Create(settings.ConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        for (var start = 0; start < rows.Count; start += settings.MaxBatchSize)
        {
            await using var copy = await connection.BeginBinaryImportAsync($"COPY \"{settings.Schema}\".\"journal\" {Columns} FROM STDIN (FORMAT BINARY)");
            for (var i = start; i < Math.Min(rows.Count, start + settings.MaxBatchSize); i++)
            {
                var e = rows[i];
                await copy.StartRowAsync();
                await copy.WriteAsync(e.PersistenceId, NpgsqlDbType.Text);
                await copy.WriteAsync(e.SequenceNr, NpgsqlDbType.Bigint);
                await copy.WriteAsync(e.Timestamp.UtcTicks, NpgsqlDbType.Bigint);
                await copy.WriteAsync(e.WriterId, NpgsqlDbType.Text);
                await copy.WriteAsync(e.SerializerId, NpgsqlDbType.Integer);
                await copy.WriteAsync(e.Manifest, NpgsqlDbType.Text);
                await copy.WriteAsync(_payload, NpgsqlDbType.Bytea);
            }
            await copy.CompleteAsync();
        }
    }

    private async Task RawPostgresUnnestAsync(PersistenceSettings settings, List<PersistentRepr> rows)
    {
        await using var dataSource = NpgsqlDataSource.Create(settings.ConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var insert = new NpgsqlCommand($"INSERT INTO \"{settings.Schema}\".\"journal\" {Columns} SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7)", connection);
        for (var start = 0; start < rows.Count; start += settings.MaxBatchSize)
        {
            var chunk = rows.GetRange(start, Math.Min(settings.MaxBatchSize, rows.Count - start));
            insert.Parameters.Clear();
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = chunk.Select(e => e.PersistenceId).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = chunk.Select(e => e.SequenceNr).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = chunk.Select(e => e.Timestamp.UtcTicks).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = chunk.Select(e => e.WriterId).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = chunk.Select(e => e.SerializerId).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = chunk.Select(e => e.Manifest).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = chunk.Select(_ => _payload).ToArray() });
            await insert.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Fills a journal of JournalEvents events (100 ids, 10 tags), then replays every id and streams every tag.</summary>
    private async Task ReplayAndTagQueryAsync()
    {
        await using var store = PersistenceFactory.Create(_settings("query"));
        await store.StartAsync();
        const int ids = 100;
        const int tagCount = 10;
        var tags = Enumerable.Range(0, tagCount).Select(t => new[] { $"tag-{t}" }).ToArray();
        var perId = _options.JournalEvents / ids;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, ids).Select(w => Task.Run(async () =>
        {
            var id = $"entity-{w}";
            var window = new Queue<Task<WriteResult>>();
            for (var seq = 1; seq <= perId; seq++)
            {
                window.Enqueue(store.Journal.WriteAsync(new AtomicWrite(Event(id, seq, tags[(w + seq) % tagCount]))));
                if (window.Count >= 32)
                    Check(await window.Dequeue());
            }
            while (window.Count > 0)
                Check(await window.Dequeue());
        })));
        var total = perId * ids;
        Console.WriteLine($"  filled {total:N0} tagged events (100 writers x 32 in flight) in {stopwatch.Elapsed.TotalSeconds:F2} s = {total / stopwatch.Elapsed.TotalSeconds:N0} ev/s");

        stopwatch.Restart();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        long replayed = 0;
        for (var w = 0; w < ids; w++)
        {
            await foreach (var e in store.Journal.ReplayAllAsync($"entity-{w}"))
                replayed += e.Payload.Length > 0 ? 1 : 0;
        }
        Console.WriteLine($"{_name} replay: {replayed:N0} events of {ids} ids in {stopwatch.Elapsed.TotalSeconds:F2} s = {replayed / stopwatch.Elapsed.TotalSeconds:N0} ev/s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / replayed:F2} us CPU/event in this process)");

        stopwatch.Restart();
        cpu = Process.GetCurrentProcess().TotalProcessorTime;
        long streamed = 0;
        foreach (var tag in tags)
        {
            await foreach (var e in store.ReadJournal.CurrentEventsByTag(tag[0], 0))
                streamed += e.Payload.Length > 0 ? 1 : 0;
        }
        Console.WriteLine($"{_name} EventsByTag: {streamed:N0} events over {tagCount} tags in {stopwatch.Elapsed.TotalSeconds:F2} s = {streamed / stopwatch.Elapsed.TotalSeconds:N0} ev/s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / streamed:F2} us CPU/event in this process)");
    }

    public ValueTask DisposeAsync() => _cleanup();
}
