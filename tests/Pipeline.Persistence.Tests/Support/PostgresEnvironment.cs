using System.Diagnostics;

namespace Pipeline.Persistence.Tests.Support;

/// <summary>The throwaway PostgreSQL server of scripts/lib/postgres.sh, read from the environment.</summary>
internal static class PostgresEnvironment
{
    private const string PgBin = "/usr/lib/postgresql/15/bin";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("PIPELINE_TEST_PG") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "PIPELINE_TEST_PG is not set: these tests need a PostgreSQL 15 server. Run `source scripts/lib/postgres.sh && pg_start` " +
                "(it exports PIPELINE_TEST_PG, PG_DIR and PG_PORT) before `dotnet test`, and `pg_cleanup` afterwards.");

    /// <summary>An unpooled connection for test set-up, so a server restart leaves no stale pooled connection behind.</summary>
    public static async Task<Npgsql.NpgsqlConnection> OpenAdminConnectionAsync()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false };
        var connection = new Npgsql.NpgsqlConnection(builder.ToString());
        await connection.OpenAsync();
        return connection;
    }

    public static string UniqueSchema(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set: the PostgreSQL restart tests stop and start the server of scripts/lib/postgres.sh. Run `source scripts/lib/postgres.sh && pg_start` (it exports PG_DIR and PG_PORT) before `dotnet test`.");

    public static Task StopAsync() => PgCtlAsync("stop -m fast -w -t 60");

    public static Task StartAsync()
    {
        var dir = Required("PG_DIR");
        var port = Required("PG_PORT");
        return PgCtlAsync($"-l {dir}/server.log -w -t 60 -o \"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" start");
    }

    private static async Task PgCtlAsync(string arguments)
    {
        var dir = Required("PG_DIR");
        var info = new ProcessStartInfo("runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-u", "postgres", "--", "/bin/sh", "-c", $"{PgBin}/pg_ctl -D {dir}/data {arguments}" })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start runuser for pg_ctl.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"pg_ctl {arguments} failed ({process.ExitCode}): {await stdout} {await stderr}");
    }
}
