using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pipeline.Persistence.Sql;

namespace Pipeline.Persistence.PostgreSql;

/// <summary>One PostgreSQL database: a pooled <see cref="NpgsqlDataSource"/> with automatic statement preparation.</summary>
internal sealed class PostgreSqlDatabase : SqlDatabase
{
    public PostgreSqlDatabase(string connectionString, TableNames names, ILogger logger)
        : base(new PostgreSqlDialect(), names, logger)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var options = builder.ConnectionStringBuilder;
        if (options.MaxAutoPrepare == 0)
            options.MaxAutoPrepare = 32;
        // batches and query pages are large: bigger socket buffers mean far fewer async reads and writes per row
        if (options.ReadBufferSize == 8192)
            options.ReadBufferSize = 65536;
        if (options.WriteBufferSize == 8192)
            options.WriteBufferSize = 65536;
        DataSource = builder.Build();
        NotifyChannel = $"pipeline_journal_{(ulong)names.StableKey:x16}";
    }

    /// <summary>The connection pool.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The LISTEN/NOTIFY channel on which the writer announces committed batches.</summary>
    public string NotifyChannel { get; }

    public override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
