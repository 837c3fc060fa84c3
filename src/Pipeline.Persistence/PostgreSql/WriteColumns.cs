using Npgsql;
using NpgsqlTypes;
using Pipeline.Persistence.Journal;
using Pipeline.Persistence.Sql;

namespace Pipeline.Persistence.PostgreSql;

/// <summary>
/// The column arrays of one batch, sent as array parameters to a single INSERT ... SELECT FROM unnest(...).
/// The lists are reused from batch to batch so the hot path allocates almost nothing.
/// </summary>
internal sealed class WriteColumns
{
    private readonly List<string> _persistenceIds = new();
    private readonly List<long> _sequenceNrs = new();
    private readonly List<long> _timestamps = new();
    private readonly List<string> _writerIds = new();
    private readonly List<int> _serializerIds = new();
    private readonly List<string> _manifests = new();
    private readonly List<byte[]> _payloads = new();
    private readonly List<string> _tagPersistenceIds = new();
    private readonly List<long> _tagSequenceNrs = new();
    private readonly List<string> _tags = new();

    /// <summary>The insert statement: journal rows and their tag rows in one round trip.</summary>
    public static string InsertSql(TableNames names) =>
        $"WITH ins AS (INSERT INTO {names.Journal} (persistence_id, sequence_nr, timestamp, writer_id, serializer_id, manifest, payload) " +
        "SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7) RETURNING ordering, persistence_id, sequence_nr) " +
        $"INSERT INTO {names.Tags} (tag, ordering, persistence_id, sequence_nr) " +
        "SELECT x.tag, ins.ordering, ins.persistence_id, ins.sequence_nr FROM ins JOIN unnest($8, $9, $10) AS x(pid, seq, tag) " +
        "ON x.pid = ins.persistence_id AND x.seq = ins.sequence_nr";

    /// <summary>Adds positional parameters bound to these lists (call once per command; values follow the lists).</summary>
    public void Bind(NpgsqlParameterCollection parameters)
    {
        parameters.Add(new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _persistenceIds });
        parameters.Add(new NpgsqlParameter<List<long>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = _sequenceNrs });
        parameters.Add(new NpgsqlParameter<List<long>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = _timestamps });
        parameters.Add(new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _writerIds });
        parameters.Add(new NpgsqlParameter<List<int>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = _serializerIds });
        parameters.Add(new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _manifests });
        parameters.Add(new NpgsqlParameter<List<byte[]>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = _payloads });
        parameters.Add(new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _tagPersistenceIds });
        parameters.Add(new NpgsqlParameter<List<long>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = _tagSequenceNrs });
        parameters.Add(new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _tags });
    }

    /// <summary>Fills the lists with every event of the given writes.</summary>
    public void Fill(List<PendingWrite> batch)
    {
        Clear();
        foreach (var pending in batch)
            Add(pending.Write);
    }

    /// <summary>Fills the lists with one write's events.</summary>
    public void Fill(AtomicWrite write)
    {
        Clear();
        Add(write);
    }

    private void Add(AtomicWrite write)
    {
        foreach (var e in write.Events)
        {
            _persistenceIds.Add(e.PersistenceId);
            _sequenceNrs.Add(e.SequenceNr);
            _timestamps.Add(e.Timestamp.UtcTicks);
            _writerIds.Add(e.WriterId);
            _serializerIds.Add(e.SerializerId);
            _manifests.Add(e.Manifest);
            _payloads.Add(SqlCommands.AsArray(e.Payload));
            var tags = e.Tags;
            for (var i = 0; i < tags.Count; i++)
            {
                if (IsRepeated(tags, i))
                    continue;
                _tagPersistenceIds.Add(e.PersistenceId);
                _tagSequenceNrs.Add(e.SequenceNr);
                _tags.Add(tags[i]);
            }
        }
    }

    private static bool IsRepeated(IReadOnlyList<string> tags, int index)
    {
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(tags[i], tags[index], StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    private void Clear()
    {
        _persistenceIds.Clear();
        _sequenceNrs.Clear();
        _timestamps.Clear();
        _writerIds.Clear();
        _serializerIds.Clear();
        _manifests.Clear();
        _payloads.Clear();
        _tagPersistenceIds.Clear();
        _tagSequenceNrs.Clear();
        _tags.Clear();
    }
}
