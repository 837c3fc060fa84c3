namespace Pipeline.Cluster.Tests.Support;

/// <summary>The throwaway PostgreSQL the test script starts (scripts/lib/postgres.sh exports PIPELINE_TEST_PG).</summary>
public static class PostgresTestDatabase
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("PIPELINE_TEST_PG") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "PIPELINE_TEST_PG is not set: these tests need PostgreSQL. Run `source scripts/lib/postgres.sh && pg_start` first (it exports PIPELINE_TEST_PG), then `pg_cleanup` afterwards.");
}
