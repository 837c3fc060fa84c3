namespace Pipeline.Cluster.Wire;

/// <summary>
/// The writer's half of a connection's string table: remembers which paths and manifests it already sent, so
/// that repeats travel as a small index. Owned by one connection's single writer, so it needs no lock.
/// </summary>
internal sealed class OutboundStringTable
{
    private readonly Dictionary<string, uint> _indexes;
    // the same string objects come back again and again (a remote ref's cached path, an actor's cached sender
    // path): looking them up by reference skips hashing their characters
    private readonly Dictionary<string, uint> _byReference = new(ReferenceEqualityComparer.Instance);
    private readonly int _capacity;
    private readonly string?[] _lastString = new string?[3];
    private readonly uint[] _lastIndex = new uint[3];

    /// <summary>Creates an empty table that indexes at most <paramref name="capacity"/> strings.</summary>
    public OutboundStringTable(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
        _indexes = new Dictionary<string, uint>(Math.Min(capacity, 256), StringComparer.Ordinal);
    }

    /// <summary>Number of strings indexed so far.</summary>
    public int Count => _indexes.Count;

    /// <summary>
    /// Looks the string up. Returns its index (1-based) when it was sent before; otherwise returns 0 and sets
    /// <paramref name="define"/> to a fresh index to send along with the literal (0 when the table is full).
    /// <paramref name="slot"/> (0 target, 1 sender, 2 manifest) keeps a by-reference cache of the field's last
    /// string, so a stream of messages to the same actor skips hashing entirely.
    /// </summary>
    public uint Lookup(string value, int slot, out uint define)
    {
        define = 0;
        if (ReferenceEquals(value, _lastString[slot])) return _lastIndex[slot];
        if (_byReference.TryGetValue(value, out var index))
        {
            _lastString[slot] = value;
            _lastIndex[slot] = index;
            return index;
        }
        if (_indexes.TryGetValue(value, out index))
        {
            _lastString[slot] = value;
            _lastIndex[slot] = index;
            // bounded: equal strings built anew each time would otherwise pile up here
            if (_byReference.Count >= 2 * _capacity + 16) _byReference.Clear();
            _byReference[value] = index;
            return index;
        }
        if (_indexes.Count < _capacity && value.Length <= WireFormat.MaxIndexedStringLength)
        {
            define = (uint)_indexes.Count + 1;
            _indexes.Add(value, define);
        }
        return 0;
    }
}
