namespace Pipeline.Cluster.Wire;

/// <summary>
/// The reader's half of a connection's string table: index to string, filled by the peer's definitions.
/// Owned by one connection's single reader. Beside each string it keeps what the receiving side made of it
/// (the local actor a target path names, the remote ref a sender path names), so that a repeated path is
/// resolved once per connection instead of once per message.
/// </summary>
internal sealed class InboundStringTable
{
    private readonly string?[] _strings;
    private object?[]? _resolved;

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
        if (_resolved is { } resolved)
        {
            resolved[2 * index] = null;
            resolved[2 * index + 1] = null;
        }
        return value;
    }

    /// <summary>What the handler cached for the string at <paramref name="index"/> in its role <paramref name="slot"/> (0 target, 1 sender); null when nothing.</summary>
    public object? GetResolved(uint index, int slot) =>
        _resolved is { } resolved && index != 0 && index < (uint)_strings.Length ? resolved[2 * index + slot] : null;

    /// <summary>Caches <paramref name="value"/> for the string at <paramref name="index"/> in its role <paramref name="slot"/> (0 target, 1 sender).</summary>
    public void SetResolved(uint index, int slot, object? value)
    {
        if (index == 0 || index >= (uint)_strings.Length) return;
        (_resolved ??= new object?[2 * _strings.Length])[2 * index + slot] = value;
    }
}
