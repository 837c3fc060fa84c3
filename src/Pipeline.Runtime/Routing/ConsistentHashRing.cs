using System.Globalization;

namespace Pipeline.Runtime.Routing;

/// <summary>
/// A hash ring: every routee owns <c>virtualNodesFactor</c> points, placed by hashing the routee's text form and
/// the point's number, so a routee's points do not depend on the other routees. A key goes to the first point
/// at or after its hash (wrapping around). Adding a routee therefore only moves the keys that now fall on its
/// points; all other keys keep their routee.
/// </summary>
internal sealed class ConsistentHashRing
{
    private readonly uint[] _points;
    private readonly Routee[] _owners;

    public ConsistentHashRing(Routee[] routees, int virtualNodesFactor)
    {
        _points = new uint[routees.Length * virtualNodesFactor];
        _owners = new Routee[_points.Length];
        var n = 0;
        foreach (var routee in routees)
        {
            var identity = routee.ToString() ?? string.Empty;
            for (var v = 0; v < virtualNodesFactor; v++, n++)
            {
                _points[n] = HashText(string.Concat(identity, "#", v.ToString(CultureInfo.InvariantCulture)));
                _owners[n] = routee;
            }
        }
        Array.Sort(_points, _owners);
    }

    /// <summary>The routee that owns <paramref name="key"/>.</summary>
    public Routee NodeFor(object key)
    {
        var hash = HashKey(key);
        var index = Array.BinarySearch(_points, hash);
        if (index < 0) index = ~index;
        if (index == _points.Length) index = 0;
        return _owners[index];
    }

    /// <summary>
    /// Hashes a key by its text form (strings and byte arrays directly, formattable values such as numbers and
    /// GUIDs in the invariant culture without allocating), so equal keys hash equally in every process.
    /// </summary>
    internal static uint HashKey(object key)
    {
        switch (key)
        {
            case string s: return HashText(s);
            case byte[] bytes: return Finish(Fnv(bytes, OffsetBasis));
            case ISpanFormattable formattable:
                Span<char> buffer = stackalloc char[64];
                if (formattable.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture))
                    return HashText(buffer[..written]);
                return HashText(formattable.ToString(null, CultureInfo.InvariantCulture));
            default:
                return HashText(key.ToString() ?? string.Empty);
        }
    }

    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    private static uint HashText(ReadOnlySpan<char> text)
    {
        var h = OffsetBasis;
        foreach (var c in text)
        {
            h = (h ^ (byte)c) * Prime;
            h = (h ^ (byte)(c >> 8)) * Prime;
        }
        return Finish(h);
    }

    private static uint Fnv(ReadOnlySpan<byte> bytes, uint h)
    {
        foreach (var b in bytes) h = (h ^ b) * Prime;
        return h;
    }

    /// <summary>A final avalanche so that keys differing in one character land far apart on the ring.</summary>
    private static uint Finish(uint h)
    {
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }
}
