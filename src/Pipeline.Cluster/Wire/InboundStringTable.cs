namespace Pipeline.Cluster.Wire;

/// <summary>
/// The reader's half of a connection's string table: index to string, filled by the peer's definitions.
/// Owned by one connection's single reader.
/// </summary>
internal sealed class InboundStringTable
{
    private readonly string?[] _strings;

    /// <summary>Creates an empty table accepting indexes 1..<paramref name="capacity"/>.</summary>
    public InboundStringTable(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _strings = new string?[capacity + 1];
    }

    /// <summary>Resolves a reference the peer sent; an undefined index is a protocol violation.</summary>
    public string Resolve(uint index)
    {
        if (index == 0 || index >= (uint)_strings.Length || _strings[index] is not { } value)
            throw new WireProtocolException($"String table index {index} was never defined on this connection.");
        return value;
    }

    /// <summary>Decodes a literal the peer sent along with a definition and stores it under <paramref name="index"/>.</summary>
    public string DefineFromUtf8(uint index, ReadOnlySpan<byte> utf8)
    {
        if (index == 0 || index >= (uint)_strings.Length)
            throw new WireProtocolException($"String table index {index} is outside 1..{_strings.Length - 1}.");
        var value = WireStrings.Decode(utf8);
        _strings[index] = value;
        return value;
    }
}
