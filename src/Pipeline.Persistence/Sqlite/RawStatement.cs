using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Pipeline.Persistence.Sqlite;

/// <summary>
/// A statement prepared once on the writer connection and driven through SQLite's C API directly: binding spans
/// (no payload copies) and stepping without ADO.NET's per-execution reader objects. This is the journal's hot path.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        if (rc != raw.SQLITE_OK)
            throw Error(rc);
    }

    public void Bind(int index, string value) => Check(raw.sqlite3_bind_text(_statement, index, value));

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(_statement, index, value));

    /// <summary>Runs the statement; false when a UNIQUE or PRIMARY KEY constraint refused the row (only this statement is undone).</summary>
    public bool TryExecute()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_DONE || rc == raw.SQLITE_ROW)
        {
            raw.sqlite3_reset(_statement);
            return true;
        }
        var extended = raw.sqlite3_extended_errcode(_db);
        var error = Error(rc, extended);
        raw.sqlite3_reset(_statement);
        if (rc == raw.SQLITE_CONSTRAINT && extended is raw.SQLITE_CONSTRAINT_UNIQUE or raw.SQLITE_CONSTRAINT_PRIMARYKEY)
            return false;
        throw error;
    }

    public void Execute()
    {
        if (!TryExecute())
            throw new SqliteException("Unexpected constraint violation: " + raw.sqlite3_errmsg(_db).utf8_to_string(), raw.SQLITE_CONSTRAINT);
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
            throw Error(rc);
    }

    private SqliteException Error(int rc, int? extended = null) =>
        new(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, extended ?? raw.sqlite3_extended_errcode(_db));

    public void Dispose() => _statement.Dispose();
}
