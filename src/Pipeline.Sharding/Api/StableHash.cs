namespace Pipeline.Sharding.Api;

/// <summary>
/// A hash that is the same in every process and on every run (string.GetHashCode is randomized per process,
/// so two nodes would disagree about shard ids): 32-bit FNV-1a over the UTF-16 code units, low byte first.
/// </summary>
public static class StableHash
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    /// <summary>The FNV-1a hash of <paramref name="text"/>.</summary>
    public static uint Fnv1a(ReadOnlySpan<char> text)
    {
        var hash = OffsetBasis;
        foreach (var c in text)
        {
            hash = (hash ^ (byte)c) * Prime;
            hash = (hash ^ (byte)(c >> 8)) * Prime;
        }
        return hash;
    }
}
